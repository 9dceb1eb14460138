import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Reads the charter's achievement from the daily counts the database keeps (`CreateCharter`), and its misses from
/// the records themselves. A transaction counts in the month it was received (a ticket on its day, a case on the
/// day received, a call on the day it rang), judged by the version in force on that day — so a case resolved late
/// changes the month it was received in, and changing a standard never rewrites past months.
struct CharterAchievementStore {
    let db: any Database

    /// One commitment's cell in one month for one branch (nil: counted for the agency only, e.g. telephone).
    struct Figure: Sendable, Equatable {
        let lineage: UUID
        let month: String
        let branchID: UUID?
        var cell: CharterCell
    }

    /// The stretch of days one version was in force, clipped to what is read.
    struct Period {
        let version: CharterVersion
        let from: LocalDate
        let until: LocalDate
    }

    /// Published versions (superseded ones too), oldest first, with their commitments.
    func versions() async throws -> [CharterVersion] {
        try await CharterVersion.query(on: db).filter(\.$status != .draft).with(\.$commitments).sort(\.$effectiveFrom).sort(\.$number).all()
    }

    /// The days each version was in force within `from ..< until`.
    static func periods(_ versions: [CharterVersion], from: LocalDate, until: LocalDate) -> [Period] {
        var periods: [Period] = []
        for (i, version) in versions.enumerated() {
            guard let start = version.effective else { continue }
            let end = versions[(i + 1)...].compactMap(\.effective).first ?? LocalDate(dayNumber: Int.max / 2)
            let clippedFrom = max(start, from), clippedUntil = min(end, until)
            if clippedFrom < clippedUntil { periods.append(Period(version: version, from: clippedFrom, until: clippedUntil)) }
        }
        return periods
    }

    /// Every commitment's figure per month and branch over `months`, as of `today` (open cases already late count as
    /// missed). A fixed number of queries: one per commitment and version in force in the range.
    func figures(months: [CharterMonth], today: LocalDate, branchID: UUID? = nil, versions given: [CharterVersion]? = nil) async throws -> [Figure] {
        guard let first = months.first, let last = months.last else { return [] }
        let versions: [CharterVersion]
        if let given { versions = given } else { versions = try await self.versions() }
        var sums: [String: Figure] = [:]
        let services = try await serviceIDs()
        for period in Self.periods(versions, from: first.first, until: last.next) {
            for commitment in period.version.commitments {
                guard let standard = commitment.standard else { continue }
                for row in try await counts(commitment, standard: standard, period: period, today: today, branchID: branchID, services: services) {
                    let key = "\(commitment.lineage)|\(row.month)|\(row.branchID?.uuidString ?? "")"
                    let cell = CharterCell(met: row.met, missed: row.missed, open: row.open, targetPercent: commitment.draft.targetPercent(at: row.branchID))
                    if let known = sums[key] {
                        sums[key]!.cell = known.cell + cell
                    } else {
                        sums[key] = Figure(lineage: commitment.lineage, month: row.month, branchID: row.branchID, cell: cell)
                    }
                }
            }
        }
        return sums.values.sorted { ($0.month, $0.lineage.uuidString, $0.branchID?.uuidString ?? "") < ($1.month, $1.lineage.uuidString, $1.branchID?.uuidString ?? "") }
    }

    struct Counted { let month: String; let branchID: UUID?; let met: Int; let missed: Int; let open: Int }

    /// Queue service ids by letter, across branches (a commitment names the letter, each branch has its own row).
    private func serviceIDs() async throws -> [String: [UUID]] {
        var byLetter: [String: [UUID]] = [:]
        for service in try await QueueService.query(on: db).all() { byLetter[service.letter, default: []].append(service.id!) }
        return byLetter
    }

    /// One commitment's counts over one version's days, per month and branch (only `branchID`'s when given).
    private func counts(_ commitment: CharterCommitmentRecord, standard: Int, period: Period, today: LocalDate, branchID: UUID?,
                        services: [String: [UUID]]) async throws -> [Counted] {
        let sql = db.sql
        let from = SQLBind(period.from.iso), until = SQLBind(period.until.iso)
        let month = SQLFunction("SUBSTR", args: SQLColumn("day"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7"))
        func read(_ query: SQLSelectBuilder, branched: Bool = true) async throws -> [Counted] {
            try await query.all().map { row in
                Counted(month: try row.decode(column: "month", as: String.self), branchID: branched ? try row.decode(column: "branch_id", as: UUID.self) : nil,
                        met: try row.decode(column: "met", as: Int?.self) ?? 0, missed: try row.decode(column: "missed", as: Int?.self) ?? 0,
                        open: try row.decode(column: "open", as: Int?.self) ?? 0)
            }
        }
        switch commitment.metric {
        case .counterWait, .counterService:
            let limit = Self.standardByBranch(commitment.draft, scale: 1)
            var query = sql.select().column(month, as: "month").column("branch_id")
                .column(SQLQueryString("CAST(SUM(CASE WHEN minutes <= \(limit) THEN n ELSE 0 END) AS BIGINT)"), as: "met")
                .column(SQLQueryString("CAST(SUM(CASE WHEN minutes > \(limit) THEN n ELSE 0 END) AS BIGINT)"), as: "missed")
                .column(SQLRaw("0"), as: "open")
                .from(commitment.metric == .counterWait ? CreateCharter.waitCounts : CreateCharter.serviceCounts)
                .where("day", .greaterThanOrEqual, from).where("day", .lessThan, until)
            if let branchID { query = query.where("branch_id", .equal, SQLBind(branchID)) }
            if !commitment.subject.isEmpty {
                let ids = services[commitment.subject] ?? []
                if ids.isEmpty { return [] }
                query = query.where("service_id", .in, SQLGroupExpression(ids.map { SQLBind($0) }))
            }
            return try await read(query.groupBy(month).groupBy("branch_id"))
        case .caseAcknowledged, .caseResolved:
            // An open case already past its due day has missed whatever happens next; one paused for the customer has not.
            var query = sql.select().column(month, as: "month").column("branch_id")
                .column(SQLRaw("CAST(SUM(CASE WHEN outcome = 'met' THEN n ELSE 0 END) AS BIGINT)"), as: "met")
                .column(SQLQueryString("CAST(SUM(CASE WHEN outcome = 'missed' THEN n WHEN outcome = 'open' AND open_due < \(bind: today.iso) THEN n ELSE 0 END) AS BIGINT)"), as: "missed")
                .column(SQLQueryString("CAST(SUM(CASE WHEN outcome = 'open' AND open_due >= \(bind: today.iso) THEN n ELSE 0 END) AS BIGINT)"), as: "open")
                .from(CreateCharter.caseCounts)
                .where("clock", .equal, SQLBind(commitment.metric == .caseAcknowledged ? "acknowledge" : "resolve"))
                .where("day", .greaterThanOrEqual, from).where("day", .lessThan, until)
            if let branchID { query = query.where("branch_id", .equal, SQLBind(branchID)) }
            let subject = CaseSubject(commitment.subject)
            if let type = subject.type { query = query.where("type", .equal, SQLBind(type.rawValue)) }
            if let category = subject.categoryID { query = query.where("category_id", .equal, SQLBind(category)) }
            return try await read(query.groupBy(month).groupBy("branch_id"))
        case .telephoneAnswer:
            var query = sql.select().column(SQLFunction("SUBSTR", args: SQLColumn("local_day"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7")), as: "month")
                .column(SQLRaw("CAST(SUM(CASE WHEN answered AND wait_seconds <= \(standard) THEN 1 ELSE 0 END) AS BIGINT)"), as: "met")
                .column(SQLRaw("CAST(SUM(CASE WHEN wait_seconds > \(standard) THEN 1 ELSE 0 END) AS BIGINT)"), as: "missed")
                .column(SQLRaw("0"), as: "open")
                .from(TelephoneCall.schema)
                .where("local_day", .greaterThanOrEqual, from).where("local_day", .lessThan, until)
            if !commitment.subject.isEmpty { query = query.where("queue", .equal, SQLBind(commitment.subject)) }
            return try await read(query.groupBy(SQLFunction("SUBSTR", args: SQLColumn("local_day"), SQLLiteral.numeric("1"), SQLLiteral.numeric("7"))), branched: false)
        case .messageReturned:
            return try await messageCounts(from: period.from, until: period.until, today: today)
        case .manual:
            // A month's figure belongs to the version in force on the month's last day (it is counted once, as a whole).
            return try await CharterManualFigure.query(on: db).filter(\.$lineage == commitment.lineage)
                .filter(\.$month >= CharterMonth(containing: period.from).key).filter(\.$month <= CharterMonth(containing: period.until.adding(days: -1)).key)
                .field(\.$id).field(\.$month).field(\.$branchID).field(\.$met).field(\.$total)  // not the evidence
                .all().compactMap { figure in
                guard let month = CharterMonth(key: figure.month) else { return nil }
                let lastDay = month.next.adding(days: -1)
                guard lastDay >= period.from, lastDay < period.until else { return nil }
                return Counted(month: figure.month, branchID: figure.branchID, met: figure.met, missed: figure.total - figure.met, open: 0)
            }
        }
    }

    /// A counter commitment's standard (times `scale`) as SQL: each branch with its own, the rest the charter's.
    static func standardByBranch(_ draft: CharterCommitmentDraft, scale: Int) -> any SQLExpression {
        let own = draft.branchStandards.compactMap { b in b.standard.map { (b.branchID, $0 * scale) } }
        let fallback = SQLLiteral.numeric("\((draft.standard ?? 0) * scale)")
        guard !own.isEmpty else { return fallback }
        var sql = SQLQueryString("(CASE")
        for (branch, limit) in own { sql.appendInterpolation(SQLQueryString(" WHEN branch_id = \(bind: branch) THEN \(literal: limit)")) }
        sql.appendInterpolation(SQLQueryString(" ELSE \(fallback) END)"))
        return sql
    }

    /// Messages for absent officers by the day they were taken (Malaysian time): returned in time, late, or still
    /// open (late once due). Few enough per month to judge here.
    private func messageCounts(from: LocalDate, until: LocalDate, today: LocalDate) async throws -> [Counted] {
        let messages = try await PhoneMessage.query(on: db)
            .filter(\.$takenAt >= from.startInstant).filter(\.$takenAt < until.startInstant).all()
        var byMonth: [String: (met: Int, missed: Int, open: Int)] = [:]
        let now = today.startInstant
        for message in messages {
            let key = CharterMonth(containing: LocalDate(message.takenAt)).key
            var sums = byMonth[key] ?? (0, 0, 0)
            switch message.returnedInTime {
            case true?: sums.met += 1
            case false?: sums.missed += 1
            case nil: if message.dueAt < now { sums.missed += 1 } else { sums.open += 1 }
            }
            byMonth[key] = sums
        }
        return byMonth.map { Counted(month: $0.key, branchID: nil, met: $0.value.met, missed: $0.value.missed, open: $0.value.open) }
    }
}

/// What a case commitment covers, as written in its subject: `""` (every case), `complaint`, or `complaint:<category id>`.
struct CaseSubject: Equatable {
    let type: CaseType?
    let categoryID: UUID?

    init(_ subject: String) {
        let parts = subject.split(separator: ":", maxSplits: 1).map(String.init)
        type = parts.first.flatMap(CaseType.init(rawValue:))
        categoryID = parts.count > 1 ? UUID(uuidString: parts[1]) : nil
    }
}
