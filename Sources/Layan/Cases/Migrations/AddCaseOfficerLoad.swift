import Fluent
import LayanStorage
import SQLKit

/// Each officer's open cases and when they were last given one, kept by the database itself (triggers on
/// `cases`): the duty officer for a new case (PKPA 1/2008 §4d(5)) is chosen by load from one row per officer
/// on duty, not from a count of every open case they hold, which grows with the backlog.
struct AddCaseOfficerLoad: AsyncMigration {
    static let table = "case_officer_load"

    static let kept = KeptCount(
        source: CaseRecord.schema, watched: "assigned_to, status", sqliteTriggerPrefix: "cases_load",
        postgresFunction: "layan_case_officer_load", postgresTrigger: "cases_officer_load",
        counts: { "\($0).assigned_to IS NOT NULL AND \($0).status IN \(AddCaseListIndexes.openStatusList)" },
        counter: .init(table: table, columns: "staff_id, open_cases, last_assigned_at") { "\($0).assigned_to, 0, NULL" },
        adjust: { row, delta in
            // Joining also stamps the assignment time: "the one given a case longest ago" breaks ties.
            let stamp = delta == "+" ? """
                , last_assigned_at = CASE WHEN \(row).assigned_at IS NULL THEN last_assigned_at
                    WHEN last_assigned_at IS NULL OR \(row).assigned_at > last_assigned_at THEN \(row).assigned_at ELSE last_assigned_at END
                """ : ""
            return "UPDATE \(table) SET open_cases = open_cases \(delta) 1\(stamp) WHERE staff_id = \(row).assigned_to;"
        })

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: Self.table) (staff_id UUID PRIMARY KEY, open_cases INTEGER NOT NULL,
            last_assigned_at \(unsafeRaw: sql.instantColumnType))
            """).run()
        try await Self.kept.install(on: sql)
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Self.table) (staff_id, open_cases, last_assigned_at)
            SELECT assigned_to, SUM(CASE WHEN status IN \(unsafeRaw: AddCaseListIndexes.openStatusList) THEN 1 ELSE 0 END), MAX(assigned_at)
            FROM cases WHERE assigned_to IS NOT NULL GROUP BY assigned_to
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await Self.kept.remove(on: sql)
        try await sql.drop(table: Self.table).run()
    }
}
