import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

struct AddCharterFieldsToTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("wait_seconds", .double).update()
        try await database.schema(Ticket.schema).field("target_wait_minutes", .int).update()
        try await database.schema(Ticket.schema).field("met_target", .bool).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["met_target", "target_wait_minutes", "wait_seconds"] {
            try await database.schema(Ticket.schema).deleteField(FieldKey(stringLiteral: field)).update()
        }
    }
}
