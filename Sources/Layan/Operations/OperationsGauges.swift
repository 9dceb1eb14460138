import Fluent
import Foundation
import LayanCore
import LayanStorage
import Prometheus
import SQLKit
import Vapor

/// The gauges read when Prometheus scrapes (issue #21, item 4): what the front office looks like now — people waiting
/// per branch, cases past their due date, callers waiting on the telephone — and the server's own queues (the outbox,
/// SSE displays, requests in flight, PostgreSQL connections). Each is a small read: kept counts or an indexed count.
enum OperationsGauges {
    static func refresh(_ app: Application) async throws {
        let sql = app.db.sql, registry = LayanMetrics.registry
        struct Waiting: Decodable { let code: String; let n: Int }
        let waiting = try await sql.raw("""
            SELECT b.code AS code, CAST(COALESCE(SUM(w.waiting), 0) AS BIGINT) AS n FROM \(unsafeRaw: Branch.schema) b
            LEFT JOIN \(unsafeRaw: AddQueueWaitingCounts.table) w ON w.branch_id = b.id GROUP BY b.code
            """).all(decoding: Waiting.self)
        for branch in waiting {
            registry.makeGauge(name: "layan_queue_waiting", labels: [("branch", branch.code)], help: "People waiting in the branch's queue")
                .set(Double(branch.n))
        }
        struct State: Decodable { let state: String; let n: Int }
        let outbox = try await sql.raw("""
            SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM \(unsafeRaw: OutboxMessage.schema) WHERE state IN ('pending', 'sending', 'failed') GROUP BY state
            """).all(decoding: State.self)
        for state in ["pending", "sending", "failed"] {
            registry.makeGauge(name: "layan_outbox_messages", labels: [("state", state)], help: "Outbox messages not yet delivered, by state")
                .set(Double(outbox.first { $0.state == state }?.n ?? 0))
        }
        let today = LocalDate(app.clock.now())
        let overdue = try await sql.select().column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n").from(CaseRecord.schema)
            .where(SQLColumn("status"), .in, CaseList.openStatuses).where("resolve_due", .lessThan, today.iso)
            .first(decodingColumn: "n", as: Int.self) ?? 0
        registry.makeGauge(name: "layan_cases_overdue", help: "Open cases past their resolve-by date").set(Double(overdue))
        let callers = await app.liveWallboard.tracker.waiting(now: app.clock.now().timeIntervalSince1970).count
        registry.makeGauge(name: "layan_telephone_callers_waiting", help: "Callers waiting in the PBX's queues (live feed)").set(Double(callers))
        registry.makeGauge(name: "layan_sse_connections", help: "Queue displays and consoles connected by server-sent events")
            .set(Double(await app.queueBroadcaster.count))
        registry.makeGauge(name: "layan_requests_in_flight", help: "Requests whose handlers are running").set(Double(app.requestsInFlight.running))
        if let connections = try await PostgresConnections.inUse(on: app.db) {
            for state in ["active", "idle", "idle in transaction"] {
                registry.makeGauge(name: "layan_db_connections", labels: [("state", state)], help: "This instance's PostgreSQL connections, by state")
                    .set(Double(connections[state] ?? 0))
            }
        }
    }
}
