import Fluent
import Foundation
import LayanCore
import LayanStorage
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
        event.ip = request.clientAddress
        event.requestID = request.id
        try await event.create(on: db ?? request.db)
    }
}

extension Audit {
    /// A change no one asked for in a request: a background job's (the actor is `system`).
    static func recordBySystem(_ action: AuditAction, entity: String, id: String?, changes: [String: AuditDiff.Change], at: Date,
                               on db: any Database) async throws {
        let event = AuditEvent()
        event.at = at
        event.actor = "system"
        event.actorID = nil; event.ip = nil; event.requestID = nil
        event.action = action
        event.entityType = entity
        event.entityID = id
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        event.changes = String(decoding: try encoder.encode(changes), as: UTF8.self)
        try await event.create(on: db)
    }
}

/// A record whose changes go to the audit trail as `{field: {before, after}}`.
protocol Audited: Model where IDValue == UUID {
    /// The entity name in the audit trail ("branch", "staff", …).
    static var auditEntity: String { get }
    /// The fields compared between versions; never secrets.
    var auditSnapshot: [String: String?] { get }
}

extension Audit {
    /// Saves a record and its audit line in one transaction. `before` is the snapshot taken before the
    /// edit, or nil for a new record; `also` runs inside the same transaction.
    static func save<M: Audited>(_ model: M, before: [String: String?]?, by request: Request,
                                 also: (@Sendable (any Database) async throws -> Void)? = nil) async throws {
        try await request.db.writeTransaction { db in
            try await model.save(on: db)
            try await also?(db)
            try await record(before == nil ? .create : .update, entity: M.auditEntity, id: model.id?.uuidString,
                             changes: AuditDiff.changes(before: before ?? [:], after: model.auditSnapshot), by: request, on: db)
        }
    }

    /// Deletes a record and records what it held, in one transaction.
    static func delete<M: Audited>(_ model: M, by request: Request) async throws {
        let id = model.id?.uuidString, snapshot = model.auditSnapshot
        try await request.db.writeTransaction { db in
            try await model.delete(on: db)
            try await record(.delete, entity: M.auditEntity, id: id, changes: AuditDiff.changes(before: snapshot, after: [:]), by: request, on: db)
        }
    }
}

extension Request {
    /// The record named by the route parameter `name` (a UUID), or 404.
    func find<M: Model>(_ type: M.Type, parameter name: String = "id") async throws -> M where M.IDValue == UUID {
        guard let id = parameters.get(name, as: UUID.self), let model = try await M.find(id, on: db) else {
            throw Abort(.notFound)
        }
        return model
    }
}
