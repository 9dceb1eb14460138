import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// How many tickets wait per service, kept by the database itself (triggers on `tickets`), so a new ticket's
/// place in the queue is one row to read, not a count of everyone waiting; no code path can forget to keep it.
/// Also the index call-next reads: per service and kind, the longest-waiting ticket first (ties by number).
struct AddQueueWaitingCounts: AsyncMigration {
    static let table = "queue_waiting"

    static let kept = KeptCount(
        source: Ticket.schema, watched: "status, service_id", sqliteTriggerPrefix: "tickets_waiting",
        postgresFunction: "layan_queue_waiting", postgresTrigger: "tickets_queue_waiting",
        counts: { "\($0).status = 'waiting'" },
        counter: .init(table: table, columns: "branch_id, service_id, waiting") { "\($0).branch_id, \($0).service_id, 0" },
        adjust: { row, delta in
            "UPDATE \(table) SET waiting = waiting \(delta) 1 WHERE branch_id = \(row).branch_id AND service_id = \(row).service_id;"
        })

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "tickets_call_next_idx").on(Ticket.schema)
            .column("branch_id").column("service_id").column("status").column("is_priority").column("arrived_at").column("number").run()
        try await sql.raw("CREATE TABLE \(unsafeRaw: Self.table) (branch_id UUID NOT NULL, service_id UUID NOT NULL, waiting INTEGER NOT NULL, PRIMARY KEY (branch_id, service_id))").run()
        try await Self.kept.install(on: sql)
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Self.table) (branch_id, service_id, waiting)
            SELECT branch_id, service_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY branch_id, service_id
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await Self.kept.remove(on: sql)
        try await sql.drop(table: Self.table).run()
        try await sql.drop(index: "tickets_call_next_idx").run()
    }
}
