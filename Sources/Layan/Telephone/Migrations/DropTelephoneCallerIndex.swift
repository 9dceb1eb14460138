import Fluent
import SQLKit

/// Drops the index of calls by caller number. Callers' numbers are random, so every import batch rewrote most of that
/// index's pages: it cost a third of an import's time (measured, docs/benchmarks.md, issue #18 item 8). Only a
/// personal-data search reads calls by number, a few times a year; it now reads the calls through (about 0.3 s a
/// million on this machine).
struct DropTelephoneCallerIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.drop(index: "telephone_calls_by_caller").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.create(index: "telephone_calls_by_caller").on(TelephoneCall.schema).column("caller").run()
    }
}
