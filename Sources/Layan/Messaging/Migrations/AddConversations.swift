import Fluent
import LayanStorage
import SQLKit

/// Replies back into the conversation a case came from (issue #17, item 3): the outbox learns our sending address
/// and the provider's message id, and each such case keeps where its replies go.
struct AddConversations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per ALTER TABLE: SQLite adds no more at once.
        try await database.schema(OutboxMessage.schema).field("sender", .string).update()
        try await database.schema(OutboxMessage.schema).field("provider_message_id", .string).update()
        try await database.schema(CaseReplyRoute.schema)
            .field("case_id", .uuid, .identifier(auto: false), .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("sender", .string)
            .create()
        try await database.sql.create(index: "outbox_by_provider_message").on(OutboxMessage.schema).column("provider_message_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseReplyRoute.schema).delete()
        try await database.schema(OutboxMessage.schema).deleteField("sender").update()
        try await database.schema(OutboxMessage.schema).deleteField("provider_message_id").update()
    }
}
