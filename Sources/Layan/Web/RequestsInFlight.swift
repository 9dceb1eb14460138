import NIOConcurrencyHelpers
import Vapor

/// Counts the requests whose handlers are still running. Stopping the HTTP server waits for open connections
/// only: a handler whose client has left keeps running, and must finish before the application (its catalogue,
/// its databases) is taken down, or it meets an application that is gone.
final class RequestsInFlight: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = NIOLockedValueBox(State())

    struct Key: StorageKey { typealias Value = RequestsInFlight }

    struct Middleware: AsyncMiddleware {
        let counter: RequestsInFlight

        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            counter.state.withLockedValue { $0.running += 1 }
            defer { counter.finished() }
            return try await next.respond(to: request)
        }
    }

    private func finished() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when no handler is running, or after `limit`, whichever comes first.
    func settled(within limit: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let idle = self.state.withLockedValue { state -> Bool in
                        if state.running == 0 { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if idle { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }
}

extension Application {
    var requestsInFlight: RequestsInFlight {
        if let counter = storage[RequestsInFlight.Key.self] { return counter }
        let counter = RequestsInFlight()
        storage[RequestsInFlight.Key.self] = counter
        return counter
    }
}

/// Stops taking requests, lets those in flight finish (connections first, then handlers whose client left), so
/// the application can then shut down: `main` calls it before `asyncShutdown`.
public func stopServing(_ app: Application) async {
    let stopServer: () async -> Void = app.http.server.shared.shutdown  // the async overload: waits for open connections
    await stopServer()
    await app.requestsInFlight.settled(within: .seconds(10))
}
