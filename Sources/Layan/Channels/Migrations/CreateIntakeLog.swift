import Fluent
import Foundation
import LayanStorage
import SQLKit

/// The one intake log of every inbound channel (issue #17, item 5).
struct CreateIntakeLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IntakeEntry.schema)
            .id()
            .field("at", .datetime, .required)
            .field("channel", .string, .required)
            .field("provider", .string, .required)
            .field("provider_message_id", .string)
            .field("sender", .string)
            .field("summary", .string, .required)
            .field("outcome", .string, .required)
            .field("reason", .string)
            .field("case_id", .uuid, .references(CaseRecord.schema, .id, onDelete: .setNull))
            // A provider's message is taken once, however often it is delivered (providers retry on timeouts).
            .unique(on: "provider", "provider_message_id")
            .create()
        try await database.sql.create(index: "intake_log_by_time").on(IntakeEntry.schema).column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IntakeEntry.schema).delete()
    }
}
