import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string)
            .field("changes", .string)
            .field("ip", .string)
            .field("request_id", .string)
            .create()
        let sql = database.sql
        try await sql.create(index: "audit_events_at_idx").on(AuditEvent.schema).column("at").run()
        try await sql.create(index: "audit_events_entity_idx").on(AuditEvent.schema).column("entity_type").column("entity_id").run()
        try await sql.create(index: "audit_events_actor_idx").on(AuditEvent.schema).column("actor_id").column("at").run()
        // Append-only, enforced by the database itself.
        try await Self.appendOnly.install(on: sql)
    }

    static let appendOnly = AppendOnlyTable(AuditEvent.schema, message: "audit trail is append-only")

    func revert(on database: any Database) async throws {
        try await Self.appendOnly.drop(on: database.sql)
    }
}
