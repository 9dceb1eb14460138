import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Where new cases are written, and the look-ups filing them needs: the one place the cases' hand-written SQL
/// lives. One implementation per engine where they really differ (writing a new case: `SQLiteCaseStore`,
/// `PostgresCaseStore`), chosen in `configure`; the reads below are the same on both.
protocol CaseStore: Sendable {
    /// Writes a checked and placed case: gives it the duty officer (`DutyDesk`) and the next number of its series,
    /// then stores its rows — all or nothing.
    func file(_ filing: CaseFiling, calendar: WorkingCalendar, on db: any Database) async throws -> FiledCase
}

/// A type's references in one year, each numbered in turn (`ADU-2026-000123`).
struct ReferenceSeries: Hashable, Comparable, Sendable {
    let type: CaseType
    let year: Int
    static func < (a: Self, b: Self) -> Bool { (a.type.rawValue, a.year) < (b.type.rawValue, b.year) }
}

/// The reads and writes of filing a case, as hand-written SQL read into rows, not Fluent models nor SQLKit's
/// builder (which escapes every identifier by string replacement): these run for every new case.
enum CaseFilingSQL {
    /// A category's own standard, when it sets one; nil when it does not. Throws `CaseInvalid` for a category that
    /// does not exist, is retired, or belongs to another type.
    static func categoryStandard(_ id: UUID, type: CaseType, on sql: any SQLDatabase) async throws -> ServiceStandard? {
        struct Row: Decodable { let type: CaseType; let active: Bool; let acknowledge_days: Int?; let resolve_days: Int? }
        guard let row = try await sql.raw("SELECT type, active, acknowledge_days, resolve_days FROM \(unsafeRaw: CaseCategory.schema) WHERE id = \(bind: id)")
            .first(decoding: Row.self), row.type == type, row.active else {
            throw CaseInvalid(problems: ["category": "form.error.choose"])
        }
        guard row.acknowledge_days != nil || row.resolve_days != nil else { return nil }
        return ServiceStandard(acknowledgeWorkingDays: row.acknowledge_days ?? ServiceStandard.pkpaDefault.acknowledgeWorkingDays,
                               resolveWorkingDays: row.resolve_days ?? ServiceStandard.pkpaDefault.resolveWorkingDays)
    }

    static func status(of caseID: UUID, on sql: any SQLDatabase) async throws -> CaseStatus? {
        try await sql.hotRows("SELECT status FROM \(CaseRecord.schema) WHERE id = ?", [caseID]).first
            .flatMap { CaseStatus(rawValue: try $0.decode(column: "status", as: String.self)) }
    }

    /// The case changed (a message on it): its `updated_at`, which lists sort by.
    static func touch(_ caseID: UUID, at now: Date, on sql: any SQLDatabase) async throws {
        _ = try await sql.hotRows("UPDATE \(CaseRecord.schema) SET updated_at = ? WHERE id = ?", [now, caseID])
    }

    static func divisionExists(_ id: UUID, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT id FROM \(unsafeRaw: Division.schema) WHERE id = \(bind: id)").first() != nil
    }

    private struct NumberingFailed: Error {}

    /// The next number of a series.
    static func nextNumber(for series: ReferenceSeries, on sql: any SQLDatabase) async throws -> Int {
        try await reserveNumbers([series: 1], on: sql)[series]!
    }

    /// Reserves the next `count` numbers of each series in one statement; answers the last of each block. Series are
    /// taken in one order, so two writers reserving the same ones never wait on each other in a circle.
    static func reserveNumbers(_ counts: [ReferenceSeries: Int], on sql: any SQLDatabase) async throws -> [ReferenceSeries: Int] {
        let series = counts.keys.sorted()
        guard !series.isEmpty else { return [:] }
        let rows = try await sql.hotRows("""
            INSERT INTO case_sequences (type, year, last_number) VALUES (?, ?, ?)\(String(repeating: ", (?, ?, ?)", count: series.count - 1))
            ON CONFLICT (type, year) DO UPDATE SET last_number = case_sequences.last_number + excluded.last_number
            RETURNING type, year, last_number
            """, series.flatMap { [$0.type.rawValue, $0.year, counts[$0]!] as [SQLValue] })
        var last: [ReferenceSeries: Int] = [:]
        for row in rows {
            guard let type = CaseType(rawValue: try row.decode(column: "type", as: String.self)) else { continue }
            last[ReferenceSeries(type: type, year: try row.decode(column: "year", as: Int.self))] = try row.decode(column: "last_number", as: Int.self)
        }
        guard last.count == series.count else { throw NumberingFailed() }
        return last
    }

    /// The duty desks new cases at these branches are shared from (PKPA 1/2008 §4d(5): an officer per unit or
    /// branch every day): each branch's officers on duty today, or on a day off the next working day's.
    static func dutyDesks(for branches: [UUID: MalaysianState], today: LocalDate, calendar: WorkingCalendar,
                          on sql: any SQLDatabase) async throws -> [UUID: DutyDesk] {
        var desks = try await dutyDesks(on: today, at: Array(branches.keys), sql)
        var later: [LocalDate: [UUID]] = [:]
        for (branch, state) in branches where desks[branch]?.isEmpty ?? true {
            let day = calendar.nextWorkingDay(onOrAfter: today, in: state)
            if day != today { later[day, default: []].append(branch) }
        }
        for (day, branches) in later {
            desks.merge(try await dutyDesks(on: day, at: branches, sql)) { $1 }
        }
        return desks
    }

    /// Who is on duty at each branch on `date`, with their load.
    private static func dutyDesks(on date: LocalDate, at branches: [UUID], _ sql: any SQLDatabase) async throws -> [UUID: DutyDesk] {
        guard !branches.isEmpty else { return [:] }
        // Each officer's load comes with the shift, from the table the database keeps (AddCaseOfficerLoad): counting
        // their open cases here grew with the backlog.
        let rows = try await sql.hotRows("""
            SELECT d.branch_id, d.staff_id, d.division_id, l.open_cases, l.last_assigned_at FROM \(DutyShift.schema) d
            JOIN \(Staff.schema) s ON s.id = d.staff_id LEFT JOIN \(AddCaseOfficerLoad.table) l ON l.staff_id = d.staff_id
            WHERE d.date = ? AND s.active = ? AND d.branch_id IN (?\(String(repeating: ", ?", count: branches.count - 1)))
            """, [date.iso, true] + branches)
        var officers: [UUID: [DutyDesk.Officer]] = [:]
        for row in rows {
            officers[try row.decode(column: "branch_id", as: UUID.self), default: []].append(DutyDesk.Officer(
                id: try row.decode(column: "staff_id", as: UUID.self).uuidString,
                division: try row.decode(column: "division_id", as: UUID?.self)?.uuidString,
                openCases: try row.decode(column: "open_cases", as: Int?.self) ?? 0,
                lastAssignedAt: try row.decode(column: "last_assigned_at", as: Date?.self)?.timeIntervalSince1970))
        }
        return officers.mapValues { DutyDesk(officers: $0) }
    }

    /// Stores a file of an existing case (a reply's attachments) inside the caller's transaction.
    static func attach(_ attachment: NewAttachment, to caseID: UUID, isPublic: Bool, at: Date, on sql: any SQLDatabase) async throws {
        var rows = InsertBatch()
        CaseFiling.addAttachment(attachment, to: caseID, isPublic: isPublic, at: at, to: &rows)
        try await rows.write(on: sql)
    }
}

/// SQLite: the duty officer chosen and the case written one by one, each a job of the write queue, which already
/// commits many jobs at once (group commit).
struct SQLiteCaseStore: CaseStore {
    func file(_ filing: CaseFiling, calendar: WorkingCalendar, on db: any Database) async throws -> FiledCase {
        var filing = filing
        var desk = try await CaseFilingSQL.dutyDesks(for: [filing.branchID: filing.branchState], today: filing.today, calendar: calendar,
                                                     on: db.sql)[filing.branchID]
        filing.assignee = desk?.assign(division: filing.new.divisionID?.uuidString, at: filing.now.timeIntervalSince1970)
            .flatMap(UUID.init(uuidString:))
        return try await db.writeTransaction { [filing] db in
            let sql = db.sql
            let (filed, rows) = filing.rows(number: try await CaseFilingSQL.nextNumber(for: filing.series, on: sql))
            try await rows.write(on: sql)
            return filed
        }
    }
}

extension Application {
    private struct CaseStoreKey: StorageKey { typealias Value = any CaseStore }

    /// Set in `configure` for the engine in use.
    var caseStore: any CaseStore {
        get { storage[CaseStoreKey.self]! }
        set { storage[CaseStoreKey.self] = newValue }
    }
}
