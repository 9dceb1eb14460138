import Fluent
import Foundation
import LayanCore
import SQLKit

/// The staff lists of cases (my cases, the team queue, the API's listCases): one SQLKit query on the indexes,
/// newest first, paged by a (received_at, id) cursor so page 1,000 costs what page 1 does.
struct CaseList {
    struct Filter: Sendable {
        var type: CaseType?
        var status: CaseStatus?
        var categoryID: UUID?
        var branchID: UUID?
        var channel: CaseChannel?
        var assigneeID: UUID?
        /// Only cases still open.
        var openOnly = false
        var due: Due?
        var after: Cursor?
        var limit = 50
    }

    enum Due: String, Sendable { case today, overdue }

    /// The last row of a page: the next page starts after it.
    struct Cursor: Sendable, Equatable {
        let receivedAt: Date
        let id: UUID

        var token: String { "\(Int64((receivedAt.timeIntervalSince1970 * 1000).rounded()))_\(id.uuidString)" }

        init(receivedAt: Date, id: UUID) { self.receivedAt = receivedAt; self.id = id }

        init?(token: String) {
            let parts = token.split(separator: "_")
            guard parts.count == 2, let millis = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
            self.init(receivedAt: Date(timeIntervalSince1970: Double(millis) / 1000), id: id)
        }
    }

    struct Row: Sendable, Decodable {
        let id: UUID
        let reference: String
        let type: CaseType
        let status: CaseStatus
        let channel: CaseChannel
        let subject: String
        let received_at: Date
        let resolve_due: String
        let acknowledge_due: String
        let assigned_to: UUID?
        let branch_id: UUID
        let category_id: UUID?
    }

    static let columns = ["id", "reference", "type", "status", "channel", "subject", "received_at", "resolve_due", "acknowledge_due",
                          "assigned_to", "branch_id", "category_id"]

    /// The SELECT for a filter; `today` decides "due today" and "overdue".
    static func query(_ filter: Filter, today: LocalDate, on sql: any SQLDatabase) -> SQLSelectBuilder {
        var select = sql.select().columns(columns.map { SQLColumn($0) }).from(CaseRecord.schema)
        let open = CaseStatus.allCases.filter(\.isOpen).map(\.rawValue)
        if let type = filter.type { select = select.where("type", .equal, type.rawValue) }
        if let status = filter.status { select = select.where("status", .equal, status.rawValue) }
        else if filter.openOnly || filter.due != nil { select = select.where("status", .in, open) }
        if let category = filter.categoryID { select = select.where("category_id", .equal, category) }
        if let branch = filter.branchID { select = select.where("branch_id", .equal, branch) }
        if let channel = filter.channel { select = select.where("channel", .equal, channel.rawValue) }
        if let assignee = filter.assigneeID { select = select.where("assigned_to", .equal, assignee) }
        switch filter.due {
        case .today: select = select.where("resolve_due", .equal, today.iso)
        case .overdue: select = select.where("resolve_due", .lessThan, today.iso)
        case nil: break
        }
        if let after = filter.after {
            select = select.where { group in
                group.where("received_at", .lessThan, after.receivedAt)
                    .orWhere { $0.where("received_at", .equal, after.receivedAt).where("id", .lessThan, after.id) }
            }
        }
        return select.orderBy("received_at", .descending).orderBy("id", .descending).limit(min(max(filter.limit, 1), 100) + 1)
    }

    struct Page: Sendable {
        let rows: [Row]
        let next: Cursor?
    }

    static func page(_ filter: Filter, today: LocalDate, on db: any Database) async throws -> Page {
        let limit = min(max(filter.limit, 1), 100)
        let rows = try await query(filter, today: today, on: db as! any SQLDatabase).all(decoding: Row.self)
        let shown = Array(rows.prefix(limit))
        return Page(rows: shown, next: rows.count > limit ? shown.last.map { Cursor(receivedAt: $0.received_at, id: $0.id) } : nil)
    }
}
