import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// The transactions behind a figure that missed the standard (issue #19: every miss one click from its figure), read
/// from the records with the same rules as the counts: the standard in force on each one's day, a case still open
/// and already past due counted as a miss.
struct CharterMissList {
    let db: any Database

    struct Miss: Codable, Sendable, Equatable {
        let metric: CharterMetric
        /// The ticket, case, call or message id the reason is kept against.
        let recordID: String
        /// What people call it: the ticket's label, the case's reference, the caller's number.
        let label: String
        let day: String
        let branchID: UUID?
        /// How far it missed, in the standard's unit.
        let measured: Double?
        let standard: Int
        /// A case still open: service recovery can still reach the customer.
        let stillOpen: Bool
        var reason: String?
        var reasonBy: String?
    }

    static let limit = 2000

    /// The misses of commitment `lineage` in `month` (for one branch, or all), oldest first, with their reasons.
    /// `limit` bounds what a page lists; publishing and "one reason for all" read every miss.
    func misses(lineage: UUID, month: CharterMonth, branchID: UUID?, today: LocalDate, limit: Int = CharterMissList.limit) async throws -> [Miss] {
        let store = CharterAchievementStore(db: db)
        let versions = try await store.versions()
        var found: [Miss] = []
        for period in CharterAchievementStore.periods(versions, from: month.first, until: month.next) {
            guard let commitment = period.version.commitments.first(where: { $0.lineage == lineage }), let standard = commitment.standard else { continue }
            found += try await misses(commitment, standard: standard, from: period.from, until: period.until, branchID: branchID, today: today,
                                      limit: limit - found.count)
        }
        guard !found.isEmpty else { return [] }
        var reasons: [CharterMissReason] = []
        // In groups, within every engine's limit on bound values.
        for start in stride(from: 0, to: found.count, by: 1000) {
            reasons += try await CharterMissReason.query(on: db).filter(\.$recordID ~~ found[start..<min(found.count, start + 1000)].map(\.recordID)).all()
        }
        let byRecord = Dictionary(reasons.map { ("\($0.metric.rawValue)|\($0.recordID)", $0) }, uniquingKeysWith: { a, _ in a })
        return found.map { miss in
            var miss = miss
            if let reason = byRecord["\(miss.metric.rawValue)|\(miss.recordID)"] { miss.reason = reason.reason; miss.reasonBy = reason.writtenBy }
            return miss
        }
    }

    /// How many misses in `month` have no reason yet, over every commitment (a month is published only at zero).
    func unexplained(month: CharterMonth, today: LocalDate) async throws -> Int {
        let versions = try await CharterAchievementStore(db: db).versions()
        let lineages = Set(versions.flatMap(\.commitments).filter { $0.metric != .manual }.map(\.lineage))
        var count = 0
        for lineage in lineages {
            count += try await misses(lineage: lineage, month: month, branchID: nil, today: today, limit: Int.max).filter { $0.reason == nil }.count
        }
        return count
    }

    private func misses(_ commitment: CharterCommitmentRecord, standard: Int, from: LocalDate, until: LocalDate, branchID: UUID?,
                        today: LocalDate, limit: Int) async throws -> [Miss] {
        guard limit > 0 else { return [] }
        let sql = db.sql
        let metric = commitment.metric
        switch metric {
        case .counterWait, .counterService:
            let column = metric == .counterWait ? "wait_seconds" : "service_seconds"
            var query = sql.select().column("id").column("label").column("service_date").column("branch_id").column(column, as: "measured")
                .from(Ticket.schema)
                .where("service_date", .greaterThanOrEqual, SQLBind(from.iso)).where("service_date", .lessThan, SQLBind(until.iso))
                .where(SQLColumn(column), .isNot, SQLLiteral.null)
                // The same rounding as the counts: to the millisecond, so a figure and its list never disagree.
                .where(SQLRaw("CAST(ROUND(\(column) * 1000) AS BIGINT)"), .greaterThan, CharterAchievementStore.standardByBranch(commitment.draft, scale: 60_000))
            if let branchID { query = query.where("branch_id", .equal, SQLBind(branchID)) }
            if !commitment.subject.isEmpty {
                let ids = try await QueueService.query(on: db).filter(\.$letter == commitment.subject).all().compactMap(\.id)
                if ids.isEmpty { return [] }
                query = query.where("first_service_id", .in, SQLGroupExpression(ids.map { SQLBind($0) }))
            }
            return try await query.orderBy("service_date").orderBy("number").limit(limit).all().map { row in
                let branch = try row.decode(column: "branch_id", as: UUID.self)
                return Miss(metric: metric, recordID: try row.decode(column: "id", as: UUID.self).uuidString, label: try row.decode(column: "label", as: String.self),
                            day: try row.decode(column: "service_date", as: String.self), branchID: branch,
                            measured: (try row.decode(column: "measured", as: Double.self) / 60 * 10).rounded(.up) / 10,
                            standard: commitment.draft.standard(at: branch) ?? standard, stillOpen: false)
            }
        case .caseAcknowledged, .caseResolved:
            let clock = metric == .caseAcknowledged ? "acknowledge" : "resolve"
            var query = sql.select().column("id").column("reference").column("received_on").column("branch_id").column("\(clock)_met", as: "met")
                .from(CaseRecord.schema)
                .where("received_on", .greaterThanOrEqual, SQLBind(from.iso)).where("received_on", .lessThan, SQLBind(until.iso))
                .where(SQLQueryString("(\(ident: "\(clock)_met") = \(bind: false) OR (\(ident: "\(clock)_met") IS NULL AND paused_since IS NULL AND \(ident: "\(clock)_due") < \(bind: today.iso)))"))
            if let branchID { query = query.where("branch_id", .equal, SQLBind(branchID)) }
            let subject = CaseSubject(commitment.subject)
            if let type = subject.type { query = query.where("type", .equal, SQLBind(type.rawValue)) }
            if let category = subject.categoryID { query = query.where("category_id", .equal, SQLBind(category)) }
            return try await query.orderBy("received_on").orderBy("reference").limit(limit).all().map { row in
                let branch = try row.decode(column: "branch_id", as: UUID.self)
                return Miss(metric: metric, recordID: try row.decode(column: "id", as: UUID.self).uuidString, label: try row.decode(column: "reference", as: String.self),
                            day: try row.decode(column: "received_on", as: String.self), branchID: branch,
                            measured: nil, standard: commitment.draft.standard(at: branch) ?? standard, stillOpen: try row.decode(column: "met", as: Bool?.self) == nil)
            }
        case .telephoneAnswer:
            guard branchID == nil else { return [] }
            var query = sql.select().column("call_key").column("caller").column("queue").column("local_day").column("wait_seconds")
                .from(TelephoneCall.schema)
                .where("local_day", .greaterThanOrEqual, SQLBind(from.iso)).where("local_day", .lessThan, SQLBind(until.iso))
                .where("wait_seconds", .greaterThan, SQLBind(standard))
            if !commitment.subject.isEmpty { query = query.where("queue", .equal, SQLBind(commitment.subject)) }
            return try await query.orderBy("entered_epoch").limit(limit).all().map { row in
                let caller = try row.decode(column: "caller", as: String?.self) ?? ""
                return Miss(metric: metric, recordID: try row.decode(column: "call_key", as: String.self),
                            label: "\(try row.decode(column: "queue", as: String.self)) · \(caller.isEmpty ? "—" : caller)",
                            day: try row.decode(column: "local_day", as: String.self), branchID: nil,
                            measured: Double(try row.decode(column: "wait_seconds", as: Int.self)), standard: standard, stillOpen: false)
            }
        case .messageReturned:
            guard branchID == nil else { return [] }
            let now = today.startInstant
            return try await PhoneMessage.query(on: db).filter(\.$takenAt >= from.startInstant).filter(\.$takenAt < until.startInstant)
                .sort(\.$takenAt).all()
                .filter { $0.returnedInTime == false || ($0.returnedInTime == nil && $0.dueAt < now) }
                .prefix(limit)
                .map { message in
                    Miss(metric: metric, recordID: message.id!.uuidString, label: message.callerNumber, day: LocalDate(message.takenAt).iso,
                         branchID: nil, measured: nil, standard: standard, stillOpen: message.calledBackAt == nil)
                }
        case .manual:
            return []
        }
    }
}
