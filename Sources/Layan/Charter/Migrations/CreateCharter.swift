import Fluent
import Foundation
import LayanStorage
import SQLKit

/// The Client Charter (issue #19): versions and their commitments, reasons for misses, published months, and the
/// daily counts the achievement is read from, kept by the database itself (triggers on `tickets` and `cases`), so a
/// month for every commitment and branch is a few thousand summary rows, never a scan of millions of records.
struct CreateCharter: AsyncMigration {
    /// Counter visits per day, branch and first service by whole minutes waited (rounded up, so "≤ N minutes" is
    /// `minutes ≤ N` for any N a later version sets), and the same by minutes served once done. One dimension each,
    /// so a day's visits to a service fold into a few dozen rows.
    static let waitCounts = "charter_wait_counts"
    static let serviceCounts = "charter_service_counts"
    /// Cases per day received, branch, type and category, by outcome of one clock (`met`, `missed`, `open`) and, for
    /// open ones, the day they fall due (`9999-12-31` while paused for the customer: the clock stands still).
    static let caseCounts = "charter_case_counts"
    /// Cases without a category are counted under this id.
    static let noCategory = "00000000-0000-0000-0000-000000000000"

    /// Whole units of `column` (seconds) rounded up to `unit` seconds, the same on both engines (to the millisecond).
    static func roundedUp(_ column: String, unit: Int) -> String {
        "((CAST(ROUND(\(column) * 1000) AS BIGINT) + \(unit * 1000 - 1)) / \(unit * 1000))"
    }

    static let keptWaits = keptTickets(column: "wait_seconds", into: waitCounts, prefix: "tickets_charter_wait")
    static let keptServices = keptTickets(column: "service_seconds", into: serviceCounts, prefix: "tickets_charter_service")

    static func keptTickets(column: String, into table: String, prefix: String) -> KeptCount {
        KeptCount(
            source: "tickets", watched: column, sqliteTriggerPrefix: prefix, postgresFunction: "layan_\(prefix)", postgresTrigger: prefix,
            counts: { "\($0).\(column) IS NOT NULL" },
            counter: .init(table: table, columns: "day, branch_id, service_id, minutes, n") { row in
                "\(row).service_date, \(row).branch_id, \(row).first_service_id, \(roundedUp("\(row).\(column)", unit: 60)), 0"
            },
            adjust: { row, delta in
                "UPDATE \(table) SET n = n \(delta) 1 WHERE day = \(row).service_date AND branch_id = \(row).branch_id AND "
                    + "service_id = \(row).first_service_id AND minutes = \(roundedUp("\(row).\(column)", unit: 60));"
            })
    }

    static func keptCases(_ clock: String) -> KeptCount {
        let outcome = { @Sendable (row: String) in
            "CASE WHEN \(row).\(clock)_met IS NULL THEN 'open' WHEN \(row).\(clock)_met THEN 'met' ELSE 'missed' END"
        }
        let due = { @Sendable (row: String) in
            "CASE WHEN \(row).\(clock)_met IS NOT NULL THEN '' WHEN \(row).paused_since IS NOT NULL THEN '9999-12-31' ELSE \(row).\(clock)_due END"
        }
        let key = { @Sendable (row: String) in
            "'\(clock)', \(row).received_on, \(row).branch_id, \(row).type, COALESCE(\(row).category_id, '\(noCategory)'), \(outcome(row)), \(due(row))"
        }
        return KeptCount(
            source: "cases", watched: "\(clock)_met, \(clock)_due, paused_since", sqliteTriggerPrefix: "cases_charter_\(clock)",
            postgresFunction: "layan_charter_\(clock)", postgresTrigger: "cases_charter_\(clock)",
            counts: { _ in "TRUE" },
            counter: .init(table: caseCounts, columns: "clock, day, branch_id, type, category_id, outcome, open_due, n") { "\(key($0)), 0" },
            adjust: { row, delta in
                "UPDATE \(caseCounts) SET n = n \(delta) 1 WHERE clock = '\(clock)' AND day = \(row).received_on AND branch_id = \(row).branch_id "
                    + "AND type = \(row).type AND category_id = COALESCE(\(row).category_id, '\(noCategory)') AND outcome = \(outcome(row)) "
                    + "AND open_due = \(due(row));"
            })
    }

    func prepare(on database: any Database) async throws {
        try await database.schema("tickets").field("service_seconds", .double).update()

        try await database.schema(CharterVersion.schema)
            .id()
            .field("number", .int, .required)
            .field("status", .string, .required)
            .field("effective_from", .string)
            .field("published_at", .datetime)
            .field("published_by", .string)
            .field("change_note", .string, .required)
            .field("reminders_sent", .array(of: .int), .required)
            .unique(on: "number")
            .create()
        try await database.schema(CharterCommitmentRecord.schema)
            .id()
            .field("version_id", .uuid, .required, .references(CharterVersion.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("text_ms", .string, .required)
            .field("text_en", .string, .required)
            .field("metric", .string, .required)
            .field("standard", .int)
            .field("manual_unit", .string)
            .field("target_percent", .int, .required)
            .field("subject", .string, .required)
            .field("lineage", .uuid, .required)
            .create()
        try await database.schema(CharterMissReason.schema)
            .id()
            .field("metric", .string, .required)
            .field("record_id", .string, .required)
            .field("reason", .string, .required)
            .field("written_by", .string, .required)
            .field("written_at", .datetime, .required)
            .unique(on: "metric", "record_id")
            .create()
        try await database.schema(CharterManualFigure.schema)
            .id()
            .field("lineage", .uuid, .required)
            .field("month", .string, .required)
            .field("branch_id", .uuid, .references(Branch.schema, .id, onDelete: .cascade))
            .field("met", .int, .required)
            .field("total", .int, .required)
            .field("evidence_name", .string, .required)
            .field("evidence_type", .string, .required)
            .field("evidence", .data, .required)
            .field("entered_by", .string, .required)
            .field("entered_at", .datetime, .required)
            .create()
        try await database.schema("charter_published_months")
            .field("month", .string, .identifier(auto: false))
            .field("published_at", .datetime, .required)
            .field("published_by", .string, .required)
            .create()

        let sql = database.sql
        for table in [Self.waitCounts, Self.serviceCounts] {
            try await sql.raw("""
                CREATE TABLE \(unsafeRaw: table) (day TEXT NOT NULL, branch_id UUID NOT NULL, service_id UUID NOT NULL, minutes BIGINT NOT NULL,
                  n BIGINT NOT NULL, PRIMARY KEY (day, branch_id, service_id, minutes))
                """).run()
        }
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: Self.caseCounts) (clock TEXT NOT NULL, day TEXT NOT NULL, branch_id UUID NOT NULL, type TEXT NOT NULL,
              category_id UUID NOT NULL, outcome TEXT NOT NULL, open_due TEXT NOT NULL, n BIGINT NOT NULL,
              PRIMARY KEY (clock, day, branch_id, type, category_id, outcome, open_due))
            """).run()
        try await Self.keptWaits.install(on: sql)
        try await Self.keptServices.install(on: sql)
        for clock in ["acknowledge", "resolve"] { try await Self.keptCases(clock).install(on: sql) }
        try await backfill(sql)
    }

    /// The counts for records written before the triggers (a database upgraded with its history).
    private func backfill(_ sql: any SQLDatabase) async throws {
        let minutes = { (column: String) in Self.roundedUp(column, unit: 60) }
        for (table, column) in [(Self.waitCounts, "wait_seconds"), (Self.serviceCounts, "service_seconds")] {
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: table) (day, branch_id, service_id, minutes, n)
                SELECT service_date, branch_id, first_service_id, \(unsafeRaw: minutes(column)), COUNT(*) FROM tickets
                WHERE \(unsafeRaw: column) IS NOT NULL GROUP BY service_date, branch_id, first_service_id, \(unsafeRaw: minutes(column))
                """).run()
        }
        for clock in ["acknowledge", "resolve"] {
            let outcome = "CASE WHEN \(clock)_met IS NULL THEN 'open' WHEN \(clock)_met THEN 'met' ELSE 'missed' END"
            let due = "CASE WHEN \(clock)_met IS NOT NULL THEN '' WHEN paused_since IS NOT NULL THEN '9999-12-31' ELSE \(clock)_due END"
            let category = "COALESCE(category_id, '\(Self.noCategory)')"
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: Self.caseCounts) (clock, day, branch_id, type, category_id, outcome, open_due, n)
                SELECT '\(unsafeRaw: clock)', received_on, branch_id, type, \(unsafeRaw: category), \(unsafeRaw: outcome), \(unsafeRaw: due), COUNT(*)
                FROM cases GROUP BY received_on, branch_id, type, \(unsafeRaw: category), \(unsafeRaw: outcome), \(unsafeRaw: due)
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await Self.keptWaits.remove(on: sql)
        try await Self.keptServices.remove(on: sql)
        for clock in ["acknowledge", "resolve"] { try await Self.keptCases(clock).remove(on: sql) }
        for table in [Self.waitCounts, Self.serviceCounts, Self.caseCounts, "charter_published_months", CharterManualFigure.schema, CharterMissReason.schema, CharterCommitmentRecord.schema,
                      CharterVersion.schema] {
            try await sql.drop(table: table).run()
        }
        try await database.schema("tickets").deleteField("service_seconds").update()
    }
}
