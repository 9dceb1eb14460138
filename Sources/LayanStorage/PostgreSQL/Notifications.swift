import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import NIOPosix
import SQLKit

extension Database {
    /// Announces `payload` on `channel` to every instance listening (PostgreSQL NOTIFY, sent when the caller's
    /// transaction commits); nothing on SQLite, where one process serves the file and tells itself.
    package func notify(channel: String, payload: String) async throws {
        guard engine == .postgresql else { return }
        try await sql.raw("SELECT pg_notify(\(literal: channel), \(bind: payload))").run()
    }
}

/// Listens on a PostgreSQL channel on a connection of its own, reconnecting when it is lost, and hands each
/// payload to `receive` until stopped.
package final class NotificationListener: Sendable {
    private let configuration: SQLPostgresConfiguration
    private let channel: String

    package init(url: String, channel: String) throws {
        configuration = try SQLPostgresConfiguration(url: url)
        self.channel = channel
    }

    /// Runs until the task is cancelled. `reconnected` is called each time listening starts again after a loss:
    /// whatever was announced in the gap is gone, so the caller catches up from the database.
    package func run(logger: Logger, reconnected: @escaping @Sendable () async -> Void = {},
                     receive: @escaping @Sendable (String) async -> Void) async {
        var id = 0
        while !Task.isCancelled {
            id += 1
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration, id: id, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: channel) { notifications in
                    if id > 1 { await reconnected() }
                    for try await notification in notifications { await receive(notification.payload) }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("Lost the PostgreSQL connection listening on \(channel); reconnecting: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
