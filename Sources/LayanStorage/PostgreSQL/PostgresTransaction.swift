import FluentKit
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// A transaction on PostgreSQL that fails, rather than waits for ever, when its connection is lost under it.
///
/// PostgresNIO 1.33 writes each statement to its channel without a promise: on a connection that has just closed (a
/// PostgreSQL restart) the write is dropped and the answer never comes. Fluent's `COMMIT` is written that way, and a
/// request hung on it after a restart (issue #21). Here the transaction runs on one leased connection and is answered
/// with "connection closed" as soon as that connection closes, whatever it was waiting for.
enum PostgresTransaction {
    static func run<T: Sendable>(on database: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.withConnection { bound -> EventLoopFuture<T> in
            // A lent connection says it is in a transaction, so a `transaction` nested in `body` joins this one.
            let transaction = {
                bound.eventLoop.makeFutureWithTask {
                    try await bound.sql.raw("BEGIN").run()
                    do {
                        let result = try await body(bound)
                        try await bound.sql.raw("COMMIT").run()
                        return result
                    } catch {
                        try? await bound.sql.raw("ROLLBACK").run()
                        throw error
                    }
                }
            }
            guard let postgres = bound as? any PostgresDatabase else { return transaction() }
            return postgres.withConnection { connection in
                ConnectionLossWatch.shared.failing(onLossOf: connection, transaction)
            }
        }.get()
    }
}

/// The work waiting on each open connection, failed when the connection closes. One close callback per connection:
/// a callback per transaction would pile up on a connection that lives for days.
final class ConnectionLossWatch: Sendable {
    static let shared = ConnectionLossWatch()

    private typealias Failure = @Sendable (any Error) -> Void
    private let waiting = NIOLockedValueBox((byConnection: [PostgresConnection.ID: [UInt64: Failure]](), issued: UInt64(0)))

    /// Starts `work` and answers with its result, or with `ChannelError.ioOnClosedChannel` if `connection` closes first.
    func failing<T: Sendable>(onLossOf connection: PostgresConnection, _ work: () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let answer = connection.eventLoop.makePromise(of: T.self)
        let (key, firstOnConnection) = waiting.withLockedValue { waiting in
            waiting.issued += 1
            let first = waiting.byConnection[connection.id] == nil
            waiting.byConnection[connection.id, default: [:]][waiting.issued] = { answer.fail($0) }
            return (waiting.issued, first)
        }
        if firstOnConnection {
            connection.closeFuture.whenComplete { _ in self.failAll(on: connection.id) }
        }
        work().whenComplete { result in
            // Only one of the two answers: NIO refuses a promise completed twice.
            let stillWaiting = self.waiting.withLockedValue { $0.byConnection[connection.id]?.removeValue(forKey: key) != nil }
            if stillWaiting { answer.completeWith(result) }
        }
        return answer.futureResult
    }

    private func failAll(on connection: PostgresConnection.ID) {
        let pending = waiting.withLockedValue { $0.byConnection.removeValue(forKey: connection) } ?? [:]
        for fail in pending.values { fail(ChannelError.ioOnClosedChannel) }
    }

    /// Connections with a close callback registered (tests).
    var watchedConnections: Int { waiting.withLockedValue { $0.byConnection.count } }
}
