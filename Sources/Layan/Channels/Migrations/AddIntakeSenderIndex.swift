import Fluent
import LayanStorage
import SQLKit

/// A sender's open case is found through the intake log by provider and sender, newest first (`MessageIntake`):
/// without this index every message read the whole log.
struct AddIntakeSenderIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "intake_log_by_sender").on(IntakeEntry.schema).column("provider").column("sender").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "intake_log_by_sender").run()
    }
}
