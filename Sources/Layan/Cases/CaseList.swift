import Fluent
import Foundation
import LayanCore
import LayanStorage
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

        /// Whose cases the list may show: the same reach as opening one (`Request.caseRecord`), so no row in a
        /// list leads to a refusal.
        var scope: RecordScope = .agency
        /// The officer's own cases are always in reach.
        var officerID: UUID?

        /// Limits the list to what a scope reaches; asking for another branch is refused.
        mutating func keep(within scope: RecordScope, officer: UUID?) throws {
            self.scope = scope
            officerID = officer
            guard let only = scope.onlyBranch else { return }
            if let asked = branchID, asked != only { throw OutsideScope() }
            branchID = only
        }
    }

    enum Due: String, Sendable { case today, overdue }


    /// The last row of a page: the next page starts after it. Due-date lists are ordered by due date, the others
    /// newest first, so the cursor carries the due date too. The time is kept to the bit, so no row repeats or
    /// goes missing between pages.
    struct Cursor: Sendable, Equatable {
        let receivedAt: Date
        let id: UUID
        var resolveDue: String?

        var token: String {
            let bits = String(receivedAt.timeIntervalSince1970.bitPattern, radix: 16)
            return ([bits, id.uuidString] + (resolveDue.map { [$0] } ?? [])).joined(separator: "_")
        }

        init(receivedAt: Date, id: UUID, resolveDue: String? = nil) {
            self.receivedAt = receivedAt
            self.id = id
            self.resolveDue = resolveDue
        }

        init?(token: String) {
            let parts = token.split(separator: "_").map(String.init)
            guard parts.count == 2 || parts.count == 3, let bits = UInt64(parts[0], radix: 16), let id = UUID(uuidString: parts[1]) else { return nil }
            let seconds = Double(bitPattern: bits)
            guard seconds.isFinite else { return nil }
            if parts.count == 3 { guard LocalDate(parts[2]) != nil else { return nil } }
            self.init(receivedAt: Date(timeIntervalSince1970: seconds), id: id, resolveDue: parts.count == 3 ? parts[2] : nil)
        }
    }

    struct Row: Sendable {
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

        /// Cell by cell in the order of `columns`, each as a plain type: through `Decodable`, every field of every row
        /// went through the drivers' Codable decoders, and the enums through a second one (a fifth of a page's CPU).
        init(_ row: inout RowReader) throws {
            try self.init(id: row.next(), reference: row.next(), type: row.next(), status: row.next(), channel: row.next(),
                          subject: row.next(), receivedAt: row.next(), resolveDue: row.next(), acknowledgeDue: row.next(),
                          assignedTo: row.next(), branchID: row.next(), categoryID: row.next())
        }

        private init(id: UUID, reference: String, type: String, status: String, channel: String, subject: String, receivedAt: Date,
                     resolveDue: String, acknowledgeDue: String, assignedTo: UUID?, branchID: UUID, categoryID: UUID?) throws {
            func value<T: RawRepresentable>(_ raw: String, of column: String) throws -> T where T.RawValue == String {
                guard let value = T(rawValue: raw) else { throw CaseListError.unknownValue(column: column, raw) }
                return value
            }
            self.id = id
            self.reference = reference
            self.type = try value(type, of: "type")
            self.status = try value(status, of: "status")
            self.channel = try value(channel, of: "channel")
            self.subject = subject
            received_at = receivedAt
            resolve_due = resolveDue
            acknowledge_due = acknowledgeDue
            assigned_to = assignedTo
            branch_id = branchID
            category_id = categoryID
        }
    }

    enum CaseListError: Error { case unknownValue(column: String, String) }

    static let columns: [String] = ["id", "reference", "type", "status", "channel", "subject", "received_at", "resolve_due", "acknowledge_due",
                          "assigned_to", "branch_id", "category_id"]

    /// The open statuses as literals, not binds: the partial indexes over open cases (`AddCaseListIndexes`) are
    /// used only when the query's condition visibly matches theirs, on both engines.
    static var openStatuses: any SQLExpression {
        SQLGroupExpression(SQLList(CaseStatus.allCases.filter(\.isOpen).map { SQLLiteral.string($0.rawValue) }))
    }

    /// The SELECT for a filter; `today` decides "due today" and "overdue". Due-date lists run oldest due first
    /// (most overdue at the top), the others newest first.
    static func query(_ filter: Filter, today: LocalDate, on sql: any SQLDatabase) -> SQLSelectBuilder {
        var select = sql.select().columns(columns.map { SQLColumn($0) }).from(CaseRecord.schema)
        if let type = filter.type { select = select.where("type", .equal, type.rawValue) }
        if let status = filter.status { select = select.where("status", .equal, status.rawValue) }
        else if filter.openOnly || filter.due != nil { select = select.where(SQLColumn("status"), .in, openStatuses) }
        if let category = filter.categoryID { select = select.where("category_id", .equal, category) }
        if let branch = filter.branchID { select = select.where("branch_id", .equal, branch) }
        if let channel = filter.channel { select = select.where("channel", .equal, channel.rawValue) }
        if let assignee = filter.assigneeID { select = select.where("assigned_to", .equal, assignee) }
        if !filter.scope.isAgencyWide {
            // RecordScope, as SQL: any one reach, or the officer's own case.
            select = select.where { any in
                for reach in filter.scope.reaches {
                    switch reach {
                    case .agency: break
                    case let .branch(branch): any.orWhere("branch_id", .equal, branch)
                    case let .unit(unit, branch):
                        any.orWhere("division_id", .equal, unit)
                        if let branch { any.orWhere { $0.where("division_id", .is, SQLLiteral.null).where("branch_id", .equal, branch) } }
                    case let .branchAndUnit(branch, unit):
                        any.orWhere { both in
                            both.where("branch_id", .equal, branch).where { $0.where("division_id", .is, SQLLiteral.null).orWhere("division_id", .equal, unit) }
                        }
                    }
                }
                if let me = filter.officerID { any.orWhere("assigned_to", .equal, me) }
                return any
            }
        }
        switch filter.due {
        case .today: select = select.where("resolve_due", .equal, today.iso)
        case .overdue: select = select.where("resolve_due", .lessThan, today.iso)
        case nil: break
        }
        let limit = min(max(filter.limit, 1), 100) + 1
        if filter.due != nil {
            if let after = filter.after, let due = after.resolveDue {
                select = select.where { group in
                    group.where("resolve_due", .greaterThan, due).orWhere { tie in
                        tie.where("resolve_due", .equal, due).where { inner in
                            inner.where("received_at", .greaterThan, after.receivedAt)
                                .orWhere { $0.where("received_at", .equal, after.receivedAt).where("id", .greaterThan, after.id) }
                        }
                    }
                }
            }
            return select.orderBy("resolve_due", .ascending).orderBy("received_at", .ascending).orderBy("id", .ascending).limit(limit)
        }
        if let after = filter.after {
            select = select.where { group in
                group.where("received_at", .lessThan, after.receivedAt)
                    .orWhere { $0.where("received_at", .equal, after.receivedAt).where("id", .lessThan, after.id) }
            }
        }
        return select.orderBy("received_at", .descending).orderBy("id", .descending).limit(limit)
    }

    struct Page: Sendable {
        let rows: [Row]
        let next: Cursor?
    }

    static func page(_ filter: Filter, today: LocalDate, on db: any Database) async throws -> Page {
        let limit = min(max(filter.limit, 1), 100)
        let rows = try await db.rows(query(filter, today: today, on: db.sql), columns: columns) { try Row(&$0) }
        let shown = Array(rows.prefix(limit))
        let next = rows.count > limit ? shown.last.map { Cursor(receivedAt: $0.received_at, id: $0.id, resolveDue: filter.due == nil ? nil : $0.resolve_due) } : nil
        return Page(rows: shown, next: next)
    }
}
