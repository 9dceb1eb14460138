import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Every ticket's "issued" event is written by the database, in the same statement as the ticket: one statement
/// less inside the write lock for every customer who takes a number, and no path that adds a ticket can forget it.
/// The event takes its ticket's id (one "issued" event per ticket; time-ordered like the ticket's).
struct AddTicketIssuedEventTrigger: AsyncMigration {
    static let values = "NEW.id, NEW.id, NEW.branch_id, 'issued', NEW.issued_at, NEW.service_id"
    static let insert = "INSERT INTO \(TicketEvent.schema) (id, ticket_id, branch_id, kind, at, service_id) VALUES (\(values));"

    static let trigger = RowTrigger(name: "tickets_issued_event", table: Ticket.schema, on: "INSERT", statements: insert)

    func prepare(on database: any Database) async throws {
        try await Self.trigger.install(on: database.sql, postgresFunction: "layan_ticket_issued")
    }

    func revert(on database: any Database) async throws {
        try await Self.trigger.remove(on: database.sql, postgresFunction: "layan_ticket_issued")
    }
}
