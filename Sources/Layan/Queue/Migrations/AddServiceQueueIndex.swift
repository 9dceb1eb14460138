import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A ticket's position counts the waiting tickets of its service that arrived before it; with the service in
/// the index (and the id, so the index covers the count) that is a range of index entries, not a row lookup
/// per waiting ticket of the branch.
struct AddServiceQueueIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "tickets_service_queue_idx").on(Ticket.schema)
            .column("branch_id").column("service_id").column("status").column("arrived_at").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_service_queue_idx").run()
    }
}
