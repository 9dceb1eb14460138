import Fluent
import Foundation
import LayanStorage
import SQLKit

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("staff_id", .uuid, .references(Staff.schema, .id, onDelete: .cascade))
            .field("csrf_secret", .string, .required)
            .field("flash", .string)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string)
            .field("user_agent", .string)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "web_sessions_staff_idx").on(WebSession.schema).column("staff_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebSession.schema).delete()
    }
}
