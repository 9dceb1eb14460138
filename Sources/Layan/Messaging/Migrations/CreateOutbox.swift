import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("case_id", .uuid)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "outbox_due_idx").on(OutboxMessage.schema).column("state").column("next_attempt_at").run()
        try await sql.create(index: "outbox_case_idx").on(OutboxMessage.schema).column("case_id").run()
        try await database.schema("rate_limit_hits")
            .field("bucket", .string, .required)
            .field("client", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await sql.create(index: "rate_limit_hits_idx").on("rate_limit_hits").column("bucket").column("client").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limit_hits").delete()
        try await database.schema(OutboxMessage.schema).delete()
    }
}
