import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Call-backs as rows: the open ones of some callers, new ones written a thousand a statement, one closed when its
/// caller got through. The import opens thousands in a busy day's file; a Fluent model each cost more than the import.
enum CallBackRows {
    /// An open call-back: whose number, when the unanswered call entered the queue, when it is due.
    struct Open: Sendable { let id: UUID, number: String, enteredAt: Int, dueAt: Date }

    /// A call-back to write; closed already when the caller got through later in the same batch.
    struct New: Sendable {
        let id = UUID()
        let call: PBXCall
        let takenAt: Date
        let dueAt: Date
        var calledBackAt: Date?
        var returnedInTime: Bool?

        mutating func close(at now: Date, callerGotThroughAt: Date) {
            calledBackAt = now
            returnedInTime = MessageClock.inTime(calledBackAt: callerGotThroughAt, due: dueAt)
        }

        static let shape = TableShape<New>(PhoneMessage.schema, [
            .init("id") { $0.id }, .init("kind") { _ in PhoneMessage.Kind.callBack.rawValue }, .init("caller_number") { $0.call.caller },
            // The body names how the caller left the queue (abandoned, timed out, …), as the console shows it.
            .init("body") { $0.call.outcome.rawValue }, .init("urgency") { _ in PhoneMessage.Urgency.normal.rawValue },
            .init("taken_at") { $0.takenAt }, .init("due_at") { $0.dueAt }, .init("called_back_at") { $0.calledBackAt },
            .init("outcome") { $0.calledBackAt == nil ? nil : PhoneMessage.Outcome.calledAgain.rawValue },
            .init("returned_in_time") { $0.returnedInTime }, .init("call_key") { $0.call.key }, .init("queue") { $0.call.queue },
        ])
    }

    static func open(numbers: [String], on sql: any SQLDatabase) async throws -> [Open] {
        let rows = try await sql.hotRows("SELECT id, caller_number, call_key, due_at FROM \(PhoneMessage.schema) WHERE kind = ? AND called_back_at IS NULL AND caller_number IN (?…)",
                                         leading: [PhoneMessage.Kind.callBack.rawValue], listing: numbers)
        return try rows.map { row in
            // A call's key ends with the time it entered the queue (`PBXCall.key`).
            let key = try row.decode(column: "call_key", as: String?.self)
            return Open(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "caller_number", as: String.self),
                        enteredAt: key.flatMap { Int($0.split(separator: "|").last ?? "") } ?? 0, dueAt: try row.decode(column: "due_at", as: Date.self))
        }
    }

    static func insert(_ rows: [New], on sql: any SQLDatabase) async throws {
        try await sql.insertRows(into: New.shape.table, columns: New.shape.names, rows.map { New.shape.values(of: $0) })
    }

    /// The caller got through: closed as "called again", in time if they got through before it was due.
    static func close(_ id: UUID, at now: Date, callerGotThroughAt: Date, due: Date, on sql: any SQLDatabase) async throws {
        _ = try await sql.hotRows("UPDATE \(PhoneMessage.schema) SET called_back_at = ?, outcome = ?, returned_in_time = ? WHERE id = ?",
                                  [now, PhoneMessage.Outcome.calledAgain.rawValue, MessageClock.inTime(calledBackAt: callerGotThroughAt, due: due), id])
    }
}
