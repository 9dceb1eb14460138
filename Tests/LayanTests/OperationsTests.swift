import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Operations (issue #21, item 4): `/metrics` in the Prometheus format, `/readyz` apart from `/healthz`, JSON logs,
/// and (item 5) `layan migrate --dry-run`.
// Serialized: the registry is one per process, and two scrapes at once would each set the other's gauges.
@Suite(.serialized) struct OperationsTests {
    /// The value of the exposition's line for `series` (name and labels, as Prometheus writes them).
    static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func metricsCountRequestsPerRouteAndShowTheFrontOffice() async throws {
        try await withLayan { app in
            // given two people waiting at Kota Bharu, one e-mail waiting in the outbox, and a monitoring token
            let q = try await QueueFixture.make(app)
            for _ in 0..<2 { _ = try await q.engine(app).issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk") }
            try await OutboxMessage(channel: .email, recipient: "a@example.my", subject: "S", body: "B", caseID: nil, at: app.clock.now()).create(on: app.db)
            let (record, secret) = APIToken.make(name: "prometheus", scopes: [.metricsRead], createdBy: nil, at: app.clock.now())
            try await record.create(on: app.db)
            // and the health route asked three times
            for _ in 0..<3 { try await app.testing().test(.GET, SiteURL.healthz.path) { #expect($0.status == .ok) } }

            // when Prometheus scrapes
            try await app.testing().test(.GET, SiteURL.metrics.path, headers: ["Authorization": "Bearer \(secret)"]) { res async throws in
                // then it reads the text format, with the route's requests counted and timed under its pattern
                #expect(res.status == .ok && res.headers.contentType?.description.hasPrefix("text/plain") == true)
                let text = res.body.string
                #expect((Self.value(#"http_requests_total{method="GET",path="/healthz",status="200"}"#, in: text) ?? 0) >= 3)
                #expect(text.contains(#"http_request_duration_seconds_bucket{method="GET",path="/healthz",status="200",le="0.005"}"#))
                // and the front office as it is now
                #expect(Self.value(#"layan_queue_waiting{branch="KBR"}"#, in: text) == 2)
                #expect(Self.value(#"layan_outbox_messages{state="pending"}"#, in: text) == 1)
                #expect(Self.value("layan_cases_overdue", in: text) == 0 && Self.value("layan_sse_connections", in: text) == 0)
                // and the SQLite write queue's batches, where SQLite is the engine; this instance's PostgreSQL connections
                // where PostgreSQL is (the scrape's own read among the active ones)
                if TestDatabase.engine == "sqlite" {
                    #expect(text.contains("layan_db_write_batch_size_bucket") && !text.contains("layan_db_connections"))
                } else {
                    #expect((Self.value(#"layan_db_connections{state="active"}"#, in: text) ?? 0) >= 1)
                    #expect(Self.value(#"layan_db_connections{state="idle"}"#, in: text) != nil)
                }
            }
        }
    }

    @Test func everyMetricTheSampleDashboardPlotsIsExposed() async throws {
        try await withLayan { app in
            // given the sample Grafana dashboard's queries
            let url = URL(fileURLWithPath: app.directory.workingDirectory).appendingPathComponent("docs/grafana-dashboard.json")
            let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            let exprs = (dashboard["panels"] as? [[String: Any]] ?? []).flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
            let named = Set(exprs.flatMap { expr in
                expr.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
                    .filter { $0.hasPrefix("layan_") || $0.hasPrefix("http_") }
                    .map { name in ["_bucket", "_sum", "_count"].reduce(name) { $0.hasSuffix($1) ? String($0.dropLast($1.count)) : $0 } }
            })
            // and a server that has answered, run its jobs and written
            let q = try await QueueFixture.make(app)
            _ = try await q.engine(app).issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            await BackgroundJobs.run("outbox", app) { try await OutboxWorker(app: app).runOnce() }
            try await app.testing().test(.GET, SiteURL.healthz.path) { _ in }
            try await app.testing().test(.GET, "/no-such-page") { _ in }
            let admin = try await TestStaff.create(.administrator, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(admin.email)
            // when it is scraped
            let text = try await browser.get(SiteURL.metrics.path).body.string
            // then every metric the dashboard plots is there (the write batches on SQLite only)
            let missing = named.filter { name in !text.contains("\n\(name)") && !text.contains("# TYPE \(name) ") }
                .filter { TestDatabase.engine == "sqlite" || !$0.hasPrefix("layan_db_write") }
            #expect(exprs.count >= 10 && missing.isEmpty, "not exposed: \(missing.sorted())")
        }
    }

    @Test func metricsAreRefusedWithoutTheScope() async throws {
        try await withLayan { app in
            // given a token for the queue only
            let (record, secret) = APIToken.make(name: "kiosk", scopes: [.queueIssue], createdBy: nil, at: app.clock.now())
            try await record.create(on: app.db)
            // when it, and nobody, scrape; then 403 and 401
            try await app.testing().test(.GET, SiteURL.metrics.path, headers: ["Authorization": "Bearer \(secret)"]) { #expect($0.status == .forbidden) }
            try await app.testing().test(.GET, SiteURL.metrics.path) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func readyOnlyOnceEveryMigrationHasRun() async throws {
        try await withLayan { app in
            // given a database one migration behind this release
            let last = try #require(LayanMigrations.all(cipher: app.personalDataCipher).last)
            try await last.revert(on: app.db).get()
            try await app.db.sql.raw("DELETE FROM _fluent_migrations WHERE name = \(bind: last.name)").run()
            // when the load balancer asks; then not ready, one migration pending — while /healthz (alive) says ok
            try await app.testing().test(.GET, SiteURL.readyz.path) { res async throws in
                #expect(res.status == .serviceUnavailable && res.body.string.contains(#""pendingMigrations":1"#) && res.body.string.contains("migrating"))
            }
            try await app.testing().test(.GET, SiteURL.healthz.path) { #expect($0.status == .ok) }
            // when the migration is recorded again; then ready
            try await app.migrator.prepareBatch().get()
            try await app.testing().test(.GET, SiteURL.readyz.path) { res async throws in
                #expect(res.status == .ok && res.body.string.contains(#""status":"ready""#))
            }
        }
    }

    @Test func aJSONLogLineIsOneObjectWithItsMetadata() throws {
        // given a JSON logger writing to a buffer
        let lines = NIOLockedValueBox<[String]>([])
        var logger = Logger(label: "layan.test") { label in JSONLogHandler(label: label, level: .info) { line in lines.withLockedValue { $0.append(line) } } }
        logger[metadataKey: "request-id"] = "abc"
        // when a message with a quote and a line break is logged, and one below the level
        logger.info("GET /q/KBR \"x\"\nforged", metadata: ["status": "200"])
        logger.debug("not shown")
        // then one line, one JSON object with time, level, message and metadata
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 1 && written[0].hasSuffix("\n") && written[0].dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info" && object["message"] as? String == "GET /q/KBR \"x\"\nforged" && object["logger"] as? String == "layan.test")
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["request-id"] as? String == "abc" && metadata["status"] as? String == "200")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func aDryRunListsPendingMigrationsAndChangesNothing() async throws {
        try await withLayan { app in
            // given the satisfaction rollup not yet run
            let rollUp = RollUpSatisfactionCounts().name
            try await app.db.sql.raw("DELETE FROM _fluent_migrations WHERE name = \(bind: rollUp)").run()
            // when `layan migrate --dry-run` runs
            try await runCommand(app, ["migrate", "--dry-run"])
            // then it is still pending: nothing ran
            let pending = try await app.migrator.previewPrepareBatch().get().map(\.0.name)
            #expect(pending == [rollUp])
        }
    }
}
