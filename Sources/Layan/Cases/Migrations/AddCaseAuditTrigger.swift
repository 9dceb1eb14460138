import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// PKPA 1/2008 (security): every change to a case is on the audit trail. Each case event (filed, acknowledged,
/// replied, assigned, resolved, escalated…) is copied to the trail by the database, in the statement that writes
/// it: no path that changes a case can leave the trail out, and filing a case costs no extra round trip.
struct AddCaseAuditTrigger: AsyncMigration {
    /// The event's kind and, for a status change, the before and after, as the trail's `changes` JSON. Kinds and
    /// statuses are fixed identifiers (no quotes to escape).
    static let changes = """
        '{"event":{"after":"' || NEW.kind || '"}' || CASE WHEN NEW.to_status IS NULL THEN '' ELSE ',"status":{"before":' || \
        COALESCE('"' || NEW.from_status || '"', 'null') || ',"after":"' || NEW.to_status || '"}' END || '}'
        """
    static let actor = """
        CASE WHEN NEW.actor_name <> '' THEN NEW.actor_name WHEN NEW.kind IN ('received', 'customer_message') THEN 'customer' ELSE 'system' END
        """
    static let insert = """
        INSERT INTO \(AuditEvent.schema) (id, at, actor_id, actor, action, entity_type, entity_id, changes) VALUES (NEW.id, NEW.at, NEW.actor_id, \
        \(actor), CASE WHEN NEW.kind = 'received' THEN '\(AuditAction.create.rawValue)' ELSE '\(AuditAction.update.rawValue)' END, 'case', \
        \(idText), \(changes));
        """
    /// The case id as the trail writes ids (text, upper case like `UUID.uuidString`).
    static var idText: String { "UPPER(CAST(NEW.case_id AS TEXT))" }

    static let trigger = RowTrigger(name: "case_events_audit", table: CaseEvent.schema, on: "INSERT", statements: insert)

    func prepare(on database: any Database) async throws {
        try await Self.trigger.install(on: database.sql)
    }

    func revert(on database: any Database) async throws {
        try await Self.trigger.remove(on: database.sql)
    }
}
