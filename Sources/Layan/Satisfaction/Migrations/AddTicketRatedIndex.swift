import Fluent
import SQLKit

/// Tickets by counter and completion, for the rating tablet's "who did this counter serve last?" (`RatingStore`).
struct AddTicketRatedIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "tickets_rated_idx").on(Ticket.schema).column("counter_id").column("completed_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_rated_idx").run()
    }
}
