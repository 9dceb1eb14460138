import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// The calls' counts kept per Malaysian day, hour, queue and agent (`telephone_call_counts`), so a month's figures
/// add up a few thousand rows instead of every call (issue #18, item 8). The counts are made from the stored calls
/// by the same SQL that the figures once ran over the calls themselves — one definition of each figure — and they
/// count under the agency's standard in force: changing its seconds counts everything again (`recountAll`).
struct TelephoneCallCounts {
    static let table = "telephone_call_counts"
    static let group = ["local_day", "local_hour", "queue", "agent"]

    /// A day, hour, queue and agent ('' for none): one row of counts.
    struct Group: Hashable, Sendable {
        let day: String, hour: Int, queue: String, agent: String

        init(day: String, hour: Int, queue: String, agent: String?) { self.day = day; self.hour = hour; self.queue = queue; self.agent = agent ?? "" }
        init(_ call: PBXCall) {
            self.init(day: MalaysianTime.localDay(epoch: call.enteredAt), hour: MalaysianTime.localHour(epoch: call.enteredAt), queue: call.queue, agent: call.agent)
        }
    }

    /// Each kept column and how it counts a call (`?` are the standard's seconds, bound in `thresholds` order).
    static let columns: [(name: String, perCall: String, merge: Merge)] = [
        ("offered", "1", .add),
        ("answered", "CASE WHEN answered THEN 1 ELSE 0 END", .add),
        // PKPA 1/2008, telephone rule 1: answered within 10 s (the agency's N), decided on the hold time as Asterisk does.
        ("answered_within", "CASE WHEN answered AND wait_seconds <= ? THEN 1 ELSE 0 END", .add),
        ("abandoned", "CASE WHEN abandoned THEN 1 ELSE 0 END", .add),
        ("abandoned_within", "CASE WHEN abandoned AND wait_seconds <= ? THEN 1 ELSE 0 END", .add),
        ("abandoned_short", "CASE WHEN abandoned AND wait_seconds <= ? THEN 1 ELSE 0 END", .add),
        ("left_by_key", "CASE WHEN outcome = 'left_by_key' THEN 1 ELSE 0 END", .add),
        ("wait_answered", "CASE WHEN answered THEN wait_seconds ELSE 0 END", .add),
        ("longest_wait", "wait_seconds", .greatest),
        ("talk", "talk_seconds", .add),
        ("ring_no_answer", "ring_no_answer", .add),
        ("transferred", "CASE WHEN outcome = 'transferred' THEN 1 ELSE 0 END", .add),
        ("returned", "CASE WHEN returned THEN 1 ELSE 0 END", .add),
    ]
    enum Merge { case add, greatest }

    /// The standard's seconds for the `?` in `columns`, in order.
    static func thresholds(_ standard: TelephoneStandard) -> [SQLValue] {
        [standard.answerWithinSeconds, standard.answerWithinSeconds, standard.shortAbandonSeconds]
    }

    static var createTable: String {
        "CREATE TABLE \(table) (local_day TEXT NOT NULL, local_hour BIGINT NOT NULL, queue TEXT NOT NULL, agent TEXT NOT NULL, "
            + columns.map { "\($0.name) BIGINT NOT NULL" }.joined(separator: ", ") + ", PRIMARY KEY (local_day, local_hour, queue, agent))"
    }

    /// `INSERT … SELECT` of the counts of the calls matching `filter`, grouped; added to rows already there.
    private static func countText(where filter: String) -> String {
        let aggregates = columns.map { $0.merge == .add ? "CAST(SUM(\($0.perCall)) AS BIGINT)" : "CAST(MAX(\($0.perCall)) AS BIGINT)" }
        let merged = columns.map { column in
            switch column.merge {
            case .add: "\(column.name) = \(table).\(column.name) + excluded.\(column.name)"
            case .greatest: "\(column.name) = CASE WHEN excluded.\(column.name) > \(table).\(column.name) THEN excluded.\(column.name) ELSE \(table).\(column.name) END"
            }
        }
        return "INSERT INTO \(table) (\((group + columns.map(\.name)).joined(separator: ", "))) "
            + "SELECT local_day, local_hour, queue, COALESCE(agent, ''), \(aggregates.joined(separator: ", ")) FROM telephone_calls WHERE \(filter) "
            + "GROUP BY local_day, local_hour, queue, COALESCE(agent, '') "
            + "ON CONFLICT (\(group.joined(separator: ", "))) DO UPDATE SET \(merged.joined(separator: ", "))"
    }

    /// Adds the calls just stored (by their keys) to the counts, in the transaction that stored them.
    static func add(callKeys: [String], standard: TelephoneStandard, on sql: any SQLDatabase) async throws {
        _ = try await sql.hotRows(countText(where: "call_key IN (?…)"), leading: thresholds(standard), listing: callKeys)
    }

    /// Counts these groups again from their calls: after a stored call was corrected (a longest wait cannot be taken back).
    static func recount(_ groups: Set<Group>, standard: TelephoneStandard, on sql: any SQLDatabase) async throws {
        let filter = "local_day = ? AND local_hour = ? AND queue = ? AND COALESCE(agent, '') = ?"
        for group in groups {
            let key: [SQLValue] = [group.day, group.hour, group.queue, group.agent]
            _ = try await sql.hotRows("DELETE FROM \(table) WHERE local_day = ? AND local_hour = ? AND queue = ? AND agent = ?", key)
            _ = try await sql.hotRows(countText(where: filter), thresholds(standard) + key)
        }
    }

    /// Every count again from every call: when the standard's seconds change, and when the table is first made.
    static func recountAll(standard: TelephoneStandard, on sql: any SQLDatabase) async throws {
        _ = try await sql.hotRows("DELETE FROM \(table)", [])
        _ = try await sql.hotRows(countText(where: "1 = 1"), thresholds(standard))
    }
}
