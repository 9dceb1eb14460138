import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Live events for display boards and counter consoles, per branch, over Server-Sent Events. Each event is
/// encoded once and the same bytes go to every subscriber, so a call reaches a thousand displays without a
/// thousand database queries.
actor QueueBroadcaster {
    struct Message: Sendable {
        let id: Int
        let bytes: ByteBuffer
    }

    private var subscribers: [UUID: [UUID: AsyncStream<Message>.Continuation]] = [:] {
        didSet { watched.withLockedValue { $0 = Set(subscribers.filter { !$0.value.isEmpty }.keys) } }
    }
    /// The branches with a subscriber, readable without waiting for the actor: every ticket issued asks.
    private nonisolated let watched = NIOLockedValueBox<Set<UUID>>([])
    private var nextID = 0
    /// The last state published per branch, so a display that connects gets it without a database query.
    private var latestState: [UUID: ByteBuffer] = [:]
    private var heartbeat: Task<Void, Never>?
    /// A comment line every 15 s keeps proxies from closing idle streams and lets us notice clients that left.
    static let heartbeatInterval: Duration = .seconds(15)
    static let ping: ByteBuffer = ByteBuffer(string: ": ping\n\n")
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func subscribe(branchID: UUID) -> (UUID, AsyncStream<Message>) {
        let id = UUID()
        // A display that falls behind keeps the newest events: a stale call is worse than a dropped one.
        let (stream, continuation) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingNewest(32))
        subscribers[branchID, default: [:]][id] = continuation
        if heartbeat == nil {
            heartbeat = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.heartbeatInterval)
                    await self?.beat()
                }
            }
        }
        return (id, stream)
    }

    private func beat() {
        for listeners in subscribers.values {
            for continuation in listeners.values { continuation.yield(Message(id: 0, bytes: Self.ping)) }
        }
    }

    func shutdown() {
        heartbeat?.cancel()
        heartbeat = nil
        for listeners in subscribers.values { for continuation in listeners.values { continuation.finish() } }
        subscribers = [:]
    }

    func cachedState(branchID: UUID) -> ByteBuffer? { latestState[branchID] }

    nonisolated func isWatched(_ branchID: UUID) -> Bool { watched.withLockedValue { $0.contains(branchID) } }
    nonisolated var watchedBranches: Set<UUID> { watched.withLockedValue { $0 } }

    func unsubscribe(branchID: UUID, id: UUID) {
        subscribers[branchID]?[id]?.finish()
        subscribers[branchID]?[id] = nil
        if subscribers[branchID]?.isEmpty == true { latestState[branchID] = nil }
    }

    var count: Int { subscribers.values.reduce(0) { $0 + $1.count } }

    func publish(branchID: UUID, event: String, payload: some Encodable) {
        guard let listeners = subscribers[branchID], !listeners.isEmpty,
              let data = try? encoder.encode(payload) else { return }
        nextID += 1
        let message = Message(id: nextID, bytes: Self.frame(event: event, id: nextID, data: data))
        if event == "state" { latestState[branchID] = message.bytes }
        for continuation in listeners.values { continuation.yield(message) }
    }

    /// One SSE frame: `id`, `event`, one `data` line (JSON has no raw newlines), and the blank line.
    static func frame(event: String, id: Int, data: Data) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: data.count + event.count + 32)
        buffer.writeString("id: \(id)\nevent: \(event)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}

/// Ends every open event stream when the application stops, so shutdown does not wait on them.
struct QueueBroadcasterLifecycle: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.queueBroadcaster.shutdown()
    }
}

extension Application {
    private struct QueueBroadcasterKey: StorageKey { typealias Value = QueueBroadcaster }

    var queueBroadcaster: QueueBroadcaster {
        get { storage[QueueBroadcasterKey.self]! }
        set { storage[QueueBroadcasterKey.self] = newValue }
    }
}
