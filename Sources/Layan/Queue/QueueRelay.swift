import Fluent
import Foundation
import LayanStorage
import Logging
import Vapor

/// With PostgreSQL, queue events cross instances: a change is announced with NOTIFY, and every instance
/// (the one that made it included) LISTENs and tells its own displays and consoles. Instances behind a load
/// balancer therefore show the same board (design.md: live events through LISTEN/NOTIFY).
final class QueueRelay: LifecycleHandler, @unchecked Sendable {
    // @unchecked: `task` is set once at boot and cancelled once at shutdown, both on the lifecycle's thread.
    static let channel = "layan_queue"
    let listener: NotificationListener
    private var task: Task<Void, Never>?

    init(url: String) throws {
        listener = try NotificationListener(url: url, channel: Self.channel)
    }

    /// The NOTIFY payload: the branch, and the call to announce if there is one (a few hundred bytes,
    /// well under PostgreSQL's 8,000-byte limit; every instance builds the state itself).
    struct Payload: Codable { let branch: UUID; let call: QueueCall? }

    static func announce(branchID: UUID, call: QueueCall?, on db: any Database) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let payload = String(decoding: try encoder.encode(Payload(branch: branchID, call: call)), as: UTF8.self)
        try await db.notify(channel: channel, payload: payload)
    }

    func didBootAsync(_ application: Application) async throws {
        let listener = self.listener
        task = Task {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let logger = Logger(label: "layan.queue-relay")
            await listener.run(logger: logger, reconnected: {
                // Calls announced while the connection was down never reached this instance: every branch watched
                // here gets its state rebuilt from the database, so no display is left showing an old board.
                let branches = application.queueBroadcaster.watchedBranches
                logger.notice("listening again; refreshing \(branches.count) watched branches")
                for branch in branches { await QueueEngine.publishLocally(application, branchID: branch, call: nil) }
            }) { text in
                guard let payload = try? decoder.decode(Payload.self, from: Data(text.utf8)) else { return }
                await QueueEngine.publishLocally(application, branchID: payload.branch, call: payload.call)
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        task = nil
    }
}

extension Application {
    private struct QueueRelayKey: StorageKey { typealias Value = QueueRelay }

    var queueRelay: QueueRelay? {
        get { storage[QueueRelayKey.self] }
        set { storage[QueueRelayKey.self] = newValue }
    }
}
