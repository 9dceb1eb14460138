import Fluent
import LayanCore
import LayanStorage
import SQLKit

/// Keeps the calls' counts per day, hour, queue and agent (`TelephoneCallCounts`): a month's figures for a million
/// calls read those instead of every call. Counted once here from the calls stored, under the agency's standard.
struct KeepTelephoneCallCounts: AsyncMigration, LargeTableMigration {
    var largeTableNote: String { "reads every telephone call once: one grouped INSERT … SELECT" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw(SQLQueryString(TelephoneCallCounts.createTable)).run()
        // The standard as stored now (the model may grow later; these two columns are the ones counted with).
        var standard = TelephoneStandard()
        if let row = try await sql.select().column("answer_within_seconds").column("short_abandon_seconds").from(TelephoneSettings.schema).first() {
            standard.answerWithinSeconds = try row.decode(column: "answer_within_seconds", as: Int.self)
            standard.shortAbandonSeconds = try row.decode(column: "short_abandon_seconds", as: Int.self)
        }
        try await TelephoneCallCounts.recountAll(standard: standard, on: sql)
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(table: TelephoneCallCounts.table).run()
    }
}
