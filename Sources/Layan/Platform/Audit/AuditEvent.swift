import Fluent
import Foundation
import LayanCore
import SQLKit
import Vapor

/// One line of the audit trail: who did what to which record, when, from where. Append-only: no route
/// changes or deletes it, and database triggers refuse UPDATE and DELETE on both engines.
final class AuditEvent: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @Field(key: "actor_id") var actorID: UUID?
    /// The actor as shown: an officer's e-mail, "anonymous", "system" or "api:<token name>".
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: AuditAction
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: String?
    @Field(key: "changes") var changes: String?
    @Field(key: "ip") var ip: String?
    @Field(key: "request_id") var requestID: String?

    init() {}
}

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
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_events_at_idx").on(AuditEvent.schema).column("at").run()
        try await sql.create(index: "audit_events_entity_idx").on(AuditEvent.schema).column("entity_type").column("entity_id").run()
        try await sql.create(index: "audit_events_actor_idx").on(AuditEvent.schema).column("actor_id").column("at").run()
        // Append-only, enforced by the database itself.
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit trail is append-only'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
                """).run()
        } else {
            try await sql.raw("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END").run()
            try await sql.raw("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TABLE audit_events").run()
            try await sql.raw("DROP FUNCTION audit_events_append_only()").run()
        } else {
            try await database.schema(AuditEvent.schema).delete()
        }
    }
}

/// Writes the audit trail. Call it on the same `db` (transaction) as the change it records, so both
/// commit together or not at all.
enum Audit {
    static func record(_ action: AuditAction, entity: String, id: String?, changes: [String: AuditDiff.Change]? = nil,
                       by request: Request, actorOverride: String? = nil, on db: (any Database)? = nil) async throws {
        let event = AuditEvent()
        event.at = request.application.clock.now()
        event.actorID = request.staff?.id
        event.actor = actorOverride ?? request.staff?.email ?? request.apiClient.map { "api:\($0.name)" } ?? "anonymous"
        event.action = action
        event.entityType = entity
        event.entityID = id
        if let changes, !changes.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            event.changes = String(decoding: try encoder.encode(changes), as: UTF8.self)
        }
        event.ip = request.remoteAddress?.ipAddress
        event.requestID = request.id
        try await event.create(on: db ?? request.db)
    }
}
