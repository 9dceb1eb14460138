import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// The telephone desk's hand-written SQL: calls written in batches without doubles, the lines of calls still in
/// progress, agents' events, and the figures added up by the database (never a row per call into Swift).
struct TelephoneStore {
    let db: any Database

    /// A call already stored, as far as telling a repeat is concerned.
    struct Stored: Sendable {
        let callID: String, queue: String, enteredAt: Int, source: TelephoneCall.Source, outcome: PBXCall.Outcome, key: String, agent: String?
        /// The kept counts this call is in.
        var group: TelephoneCallCounts.Group {
            .init(day: MalaysianTime.localDay(epoch: enteredAt), hour: MalaysianTime.localHour(epoch: enteredAt), queue: queue, agent: agent)
        }
    }

    func stored(callIDs: [String]) async throws -> [Stored] {
        guard !callIDs.isEmpty else { return [] }
        // Written by hand: the query builder's cost showed in every import batch.
        let rows = try await db.sql.hotRows("SELECT call_id, queue, entered_epoch, source, outcome, call_key, agent FROM \(TelephoneCall.schema) WHERE call_id IN (?…)",
                                            listing: callIDs)
        return try rows.map { row in
            Stored(callID: try row.decode(column: "call_id", as: String.self), queue: try row.decode(column: "queue", as: String.self),
                   enteredAt: try row.decode(column: "entered_epoch", as: Int.self),
                   source: TelephoneCall.Source(rawValue: try row.decode(column: "source", as: String.self)) ?? .queueLog,
                   outcome: PBXCall.Outcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .answered,
                   key: try row.decode(column: "call_key", as: String.self), agent: try row.decode(column: "agent", as: String?.self))
        }
    }

    /// A record the live feed made, replaced by the PBX's own log of the same call (the log says how a caller left).
    func replace(key: String, with call: TelephoneCall.New, on sql: any SQLDatabase) async throws {
        let c = call.call
        try await sql.update(TelephoneCall.schema)
            .set("outcome", to: c.outcome.rawValue).set("answered", to: c.outcome.wasAnswered).set("abandoned", to: c.outcome.countsAsAbandoned)
            .set("wait_seconds", to: c.waitSeconds).set("talk_seconds", to: c.talkSeconds).set("ring_no_answer", to: c.ringNoAnswer)
            .set("agent", to: c.agent).set("staff_id", to: call.staffID).set("transfer_kind", to: c.transferKind?.rawValue)
            .set("transfer_target", to: c.transferTarget).set("returned", to: c.returnedAfterTransfer).set("caller", to: c.caller)
            .set("source", to: call.source.rawValue)
            .where("call_key", .equal, key).run()
    }

    // MARK: calls in progress between two imports

    func openLines() async throws -> [String] {
        try await db.sql.select().column("line").from("telephone_open_lines").orderBy("position").all().map { try $0.decode(column: "line", as: String.self) }
    }

    /// Replaces the stored lines of calls in progress with these (each import reads them back first).
    func keepOpenLines(_ lines: [(callID: String, text: String)], on sql: any SQLDatabase) async throws {
        try await sql.delete(from: "telephone_open_lines").run()
        try await sql.insertRows(into: "telephone_open_lines", columns: ["id", "call_id", "position", "line"],
                                 lines.enumerated().map { [UUID(), $0.element.callID, $0.offset, $0.element.text] })
    }

    func insertAgentEvents(_ events: [QueueLogReader.AgentEvent], on sql: any SQLDatabase) async throws {
        try await sql.insertRowsSkippingDuplicates(into: "telephone_agent_events", columns: ["id", "event_key", "at", "queue", "agent", "event", "data"],
                                                   events.map { [UUID(), $0.key, Date(timeIntervalSince1970: Double($0.epoch)), $0.queue, $0.agent, $0.event.rawValue, $0.data] })
    }

    // MARK: figures

    /// What the figures are grouped by.
    enum Grouping: String, Sendable, CaseIterable { case day, hour, queue, agent, month, total }

    /// The counts per group for days `from`…`to` (Malaysian days, inclusive), one queue or all: added up from the
    /// counts kept per day, hour, queue and agent (`TelephoneCallCounts`), never from the calls one by one.
    func counts(from: LocalDate, to: LocalDate, queue: String?, by grouping: Grouping) async throws -> [(group: String, counts: CallCounts)] {
        let group: String = switch grouping {
        case .day: "local_day"
        case .hour: "local_hour"
        case .queue: "queue"
        case .agent: "agent"
        case .month: "SUBSTR(local_day, 1, 7)"
        case .total: "'all'"
        }
        let sums = TelephoneCallCounts.columns.map { column in
            column.merge == .add ? "CAST(SUM(\(column.name)) AS BIGINT) AS \(column.name)" : "CAST(MAX(\(column.name)) AS BIGINT) AS \(column.name)"
        }
        var text = "SELECT \(group) AS grp, \(sums.joined(separator: ", ")) FROM \(TelephoneCallCounts.table) WHERE local_day >= ? AND local_day <= ?"
        var values: [SQLValue] = [from.iso, to.iso]
        if let queue { text += " AND queue = ?"; values.append(queue) }
        text += " GROUP BY grp ORDER BY grp"
        return try await db.sql.hotRows(text, values).map { row in
            var c = CallCounts()
            c.offered = try row.decode(column: "offered", as: Int.self)
            c.answered = try row.decode(column: "answered", as: Int.self)
            c.answeredWithin = try row.decode(column: "answered_within", as: Int.self)
            c.abandoned = try row.decode(column: "abandoned", as: Int.self)
            c.abandonedWithin = try row.decode(column: "abandoned_within", as: Int.self)
            c.abandonedShort = try row.decode(column: "abandoned_short", as: Int.self)
            c.leftByKey = try row.decode(column: "left_by_key", as: Int.self)
            c.waitAnswered = try row.decode(column: "wait_answered", as: Int.self)
            c.longestWait = try row.decode(column: "longest_wait", as: Int.self)
            c.talk = try row.decode(column: "talk", as: Int.self)
            c.ringNoAnswer = try row.decode(column: "ring_no_answer", as: Int.self)
            c.transferred = try row.decode(column: "transferred", as: Int.self)
            c.returned = try row.decode(column: "returned", as: Int.self)
            // The hour is a number on both engines; every other group is text (PostgreSQL would hand a number's bytes as text).
            let name = grouping == .hour ? String(try row.decode(column: "grp", as: Int.self)) : try row.decode(column: "grp", as: String.self)
            return (name, c)
        }
    }

    /// The days that have calls in the range (for mean arrivals per hour in the staffing advice).
    func daysWithCalls(from: LocalDate, to: LocalDate, queue: String?) async throws -> Int {
        var text = "SELECT COUNT(DISTINCT local_day) AS days FROM \(TelephoneCallCounts.table) WHERE local_day >= ? AND local_day <= ?"
        var values: [SQLValue] = [from.iso, to.iso]
        if let queue { text += " AND queue = ?"; values.append(queue) }
        return try await db.sql.hotRows(text, values).first?.decode(column: "days", as: Int.self) ?? 0
    }

    func queues() async throws -> [String] {
        try await db.sql.select().distinct().column("queue").from(TelephoneCallCounts.table).orderBy("queue").all().map { try $0.decode(column: "queue", as: String.self) }
    }
}
