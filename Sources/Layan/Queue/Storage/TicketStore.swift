import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// The queue's own SQL, hand-written where it runs for every customer who takes a number (SQLKit's builder escapes
/// every identifier by string replacement, per ticket) and the same on both engines: what differs lives in
/// LayanStorage. The rules it serves are in QueueEngine and LayanCore.
enum TicketStore {
    /// Everyone waiting for the service, counted by the database's triggers (AddQueueWaitingCounts).
    static func waiting(at branchID: UUID, for serviceID: UUID, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT waiting FROM \(unsafeRaw: AddQueueWaitingCounts.table) WHERE branch_id = \(bind: branchID) AND service_id = \(bind: serviceID)")
            .first()?.decode(column: "waiting", as: Int.self) ?? 0
    }

    /// Everyone waiting at the branch, per service, for the display board.
    static func waitingByService(at branchID: UUID, on sql: any SQLDatabase) async throws -> [UUID: Int] {
        let rows = try await sql.select().column("service_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "waiting")
            .from(Ticket.schema).where("branch_id", .equal, branchID).where("status", .equal, TicketStatus.waiting.rawValue)
            .groupBy("service_id").all()
        var waiting: [UUID: Int] = [:]
        for row in rows { waiting[try row.decode(column: "service_id", as: UUID.self)] = try row.decode(column: "waiting", as: Int.self) }
        return waiting
    }

    /// The service's next number of the day; call inside the write transaction that stores the ticket.
    static func nextNumber(at branchID: UUID, for serviceID: UUID, on day: String, _ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("""
            INSERT INTO ticket_sequences (branch_id, service_id, service_date, last_number) VALUES (\(bind: branchID), \(bind: serviceID), \(bind: day), 1)
            ON CONFLICT (branch_id, service_id, service_date) DO UPDATE SET last_number = ticket_sequences.last_number + 1
            RETURNING last_number
            """).first()!.decode(column: "last_number", as: Int.self)
    }

    /// Writes a new ticket in one statement; its "issued" event is written by the database with it
    /// (AddTicketIssuedEventTrigger).
    static func insert(_ ticket: NewTicket, on sql: any SQLDatabase) async throws {
        try await sql.insert(ticket, as: NewTicket.shape)
    }

    /// Holds the counter for the caller's transaction: two presses of "next" at one counter — a double click, a second
    /// tab, two instances — take turns, so the second sees the customer the first called instead of calling another.
    static func lock(counter counterID: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw("SELECT id FROM \(unsafeRaw: Counter.schema) WHERE id = \(bind: counterID)\(sql.lockingRows)").run()
    }

    /// The longest-waiting ticket of the service and kind that no other counter is calling this instant: on PostgreSQL
    /// the row is locked for the caller's transaction and rows other counters hold are passed over (SKIP LOCKED), so
    /// counters on many instances pressing "next" together each take a different customer instead of racing for one
    /// and retrying; on SQLite the write transaction already holds the database. Served by tickets_call_next_idx.
    static func head(at branchID: UUID, for serviceID: UUID, priority: Bool, on sql: any SQLDatabase) async throws -> WaitingTicket? {
        guard let row = try await sql.raw("""
            SELECT id, arrived_at FROM \(unsafeRaw: Ticket.schema) WHERE branch_id = \(bind: branchID) AND service_id = \(bind: serviceID)
            AND status = \(bind: TicketStatus.waiting.rawValue) AND is_priority = \(bind: priority) ORDER BY arrived_at, number LIMIT 1\(sql.claimingRows)
            """).first() else { return nil }
        return WaitingTicket(id: try row.decode(column: "id", as: UUID.self), serviceID: serviceID, isPriority: priority,
                             arrivedAt: try row.decode(column: "arrived_at", as: Date.self))
    }

    /// Calls a waiting ticket to a counter, compare-and-set: false when another counter called it first, on any
    /// instance (design.md: call-next correct with many counters and instances).
    static func claim(_ ticketID: UUID, for counterID: UUID, officer officerID: UUID?, at now: Date, on sql: any SQLDatabase) async throws -> Bool {
        try await !sql.update(Ticket.schema)
            .set("status", to: TicketStatus.called.rawValue).set("counter_id", to: counterID).set("officer_id", to: officerID)
            .set("called_at", to: now)
            .where("id", .equal, ticketID).where("status", .equal, TicketStatus.waiting.rawValue)
            .returning("id").all().isEmpty
    }
}
