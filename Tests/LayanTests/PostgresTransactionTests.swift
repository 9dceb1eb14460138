import Fluent
import Foundation
import PostgresNIO
import SQLKit
import Testing
@testable import Layan
@testable import LayanStorage

/// `writeTransaction` on PostgreSQL: a transaction whose connection is lost answers at once (issue #21: a request hung
/// for good on the COMMIT Fluent wrote to a connection a PostgreSQL restart had just closed).
@Suite struct PostgresTransactionTests {
    @Test func aTransactionWhoseConnectionIsLostBeforeItsCommitFailsAsUnavailable() async throws {
        guard TestDatabase.engine == "postgresql" else { return }
        try await withLayan { app in
            // given a transaction that wrote a row, then saw the server end its connection
            try await app.db.sql.raw("CREATE TABLE lost_commit (code TEXT)").run()
            let outcome = await Self.answer(within: 15) {
                try await app.db.writeTransaction { db in
                    try await db.sql.raw("INSERT INTO lost_commit VALUES ('written')").run()
                    let pid = try #require(try await db.sql.raw("SELECT pg_backend_pid() AS pid").first()).decode(column: "pid", as: Int.self)
                    _ = try await app.db.sql.raw("SELECT pg_terminate_backend(CAST(\(bind: pid) AS INTEGER))").all()  // from another connection
                    while (try? await db.sql.hotRows("SELECT 1", [])) != nil { try await Task.sleep(for: .milliseconds(20)) }
                    // when the body ends normally, so the transaction goes on to its COMMIT
                }
            }
            // then it fails as "database unavailable" (a 503) instead of waiting for an answer that never comes
            guard case .failure(let error)? = outcome else { Issue.record("the transaction answered \(String(describing: outcome))"); return }
            #expect(DatabaseUnavailable.matches(error), "\(String(reflecting: error))")
            // and nothing of it was kept
            let kept = try await app.db.sql.raw("SELECT count(*) AS n FROM lost_commit").first()?.decode(column: "n", as: Int.self)
            #expect(kept == 0)
        }
    }

    @Test func theWatchKeepsOneEntryPerConnectionAndDropsItWhenTheConnectionCloses() async throws {
        guard TestDatabase.engine == "postgresql" else { return }
        // given a watch of its own and one pooled connection
        let watch = ConnectionLossWatch()
        try await withLayan { app in
            let (answers, watchedWhileOpen) = try await (app.db as! any PostgresDatabase).withConnection { connection in
                // when many statements are watched on it, one after another
                var future = connection.eventLoop.makeSucceededFuture([Int]())
                for n in 0..<200 {
                    future = future.flatMap { done in
                        watch.failing(onLossOf: connection) { connection.query("SELECT \(n)::int8 AS n", logger: connection.logger) }
                            .flatMapThrowing { rows in done + [try rows.first!.decode(Int.self)] }
                    }
                }
                return future.map { ($0, watch.watchedConnections) }
            }.get()
            // then each answered, and the watch held one entry for the connection, not one per statement
            #expect(answers == Array(0..<200))
            #expect(watchedWhileOpen == 1)
        }
        // and the entry went when the pool closed the connection
        #expect(watch.watchedConnections == 0)
    }

    /// The outcome of `work`, or nil if it has not answered after `seconds` (a task group would wait for it for good).
    static func answer<T: Sendable>(within seconds: Double, _ work: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
        let first = FirstAnswer<Result<T, any Error>?>()
        return await withCheckedContinuation { continuation in
            first.waiting(continuation)
            Task { first.give(await Result(catching: work)) }
            Task { try? await Task.sleep(for: .seconds(seconds)); first.give(nil) }
        }
    }
}

private final class FirstAnswer<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    func waiting(_ continuation: CheckedContinuation<T, Never>) { lock.withLock { self.continuation = continuation } }
    func give(_ value: T) {
        let waiting = lock.withLock { () -> CheckedContinuation<T, Never>? in defer { continuation = nil }; return continuation }
        waiting?.resume(returning: value)
    }
}

private extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
