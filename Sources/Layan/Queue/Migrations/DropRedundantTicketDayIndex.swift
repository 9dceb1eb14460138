import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// `tickets_day_idx` (branch, date) is the start of the unique (branch, date, label) index, which answers the
/// same look-ups; keeping both cost every ticket issued one more index entry to write.
struct DropRedundantTicketDayIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_day_idx").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.create(index: "tickets_day_idx").on(Ticket.schema).column("branch_id").column("service_date").run()
    }
}
