import NIOConcurrencyHelpers
import Vapor

/// Counts the requests whose handlers are still running. Stopping the HTTP server waits for open connections
/// only: a handler whose client has left keeps running, and must finish before the application (its catalogue,
/// its databases) is taken down, or it meets an application that is gone.
final class RequestsInFlight: Sendable {
    /// A handler running: what was asked, and since when (named in the log if it outlives shutdown's wait).
    struct Handler: Sendable { let method: HTTPMethod; let uri: URI; let since: ContinuousClock.Instant }

    private struct State {
        var handlers: [Int: Handler] = [:]
        var nextHandler = 0
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        var gaveUp: Set<UUID> = []
        var draining = false
    }

    /// Shutting down: still answering, while health asks load balancers to send no more. (Keep-alive connections are
    /// closed by the server's own quiescing once the drain ends: Vapor writes the `Connection` header itself.)
    var isDraining: Bool { state.withLockedValue { $0.draining } }
    /// Handlers running now, for `/metrics`.
    var running: Int { state.withLockedValue { $0.handlers.count } }
    func startDraining() { state.withLockedValue { $0.draining = true } }
    private let state = NIOLockedValueBox(State())

    struct Key: StorageKey { typealias Value = RequestsInFlight }

    struct Middleware: AsyncMiddleware {
        let counter: RequestsInFlight

        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            let handler = counter.started(request.method, request.url)
            defer { counter.finished(handler) }
            return try await next.respond(to: request)
        }
    }

    func started(_ method: HTTPMethod, _ uri: URI) -> Int {
        state.withLockedValue { state in
            state.nextHandler += 1
            state.handlers[state.nextHandler] = Handler(method: method, uri: uri, since: .now)
            return state.nextHandler
        }
    }

    func finished(_ handler: Int) {
        let waiters = state.withLockedValue { state -> [UUID: CheckedContinuation<Void, Never>] in
            state.handlers[handler] = nil
            guard state.handlers.isEmpty else { return [:] }
            defer { state.waiters = [:] }
            return state.waiters
        }
        waiters.values.forEach { $0.resume() }
    }

    /// Returns when no handler is running, or after `limit`, whichever comes first; returns the handlers still
    /// running. The waiter is resumed when the limit passes too: a handler stuck for good must not hang shutdown.
    @discardableResult
    func settled(within limit: Duration) async -> [Handler] {
        let waiter = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let idle = self.state.withLockedValue { state -> Bool in
                            if state.handlers.isEmpty || state.gaveUp.remove(waiter) != nil { return true }
                            state.waiters[waiter] = continuation
                            return false
                        }
                        if idle { continuation.resume() }
                    }
                } onCancel: {
                    // The limit may pass before the waiter is stored: then it is marked, and not stored at all.
                    self.state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                        guard let continuation = state.waiters.removeValue(forKey: waiter) else { state.gaveUp.insert(waiter); return nil }
                        return continuation
                    }?.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return state.withLockedValue { Array($0.handlers.values) }
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
/// the application can then shut down: `main` calls it before `asyncShutdown`. First it drains (issue 15, item 11):
/// for `LAYAN_DRAIN_SECONDS` it keeps accepting and answering while health reports "draining", because closing the
/// listener at once resets the connections the kernel accepted but Layan had not yet read.
public func stopServing(_ app: Application) async {
    app.requestsInFlight.startDraining()
    // Only a server that was serving drains (`layan demo`, `migrate` and the other commands end at once).
    if app.running != nil, app.settings.drainSeconds > 0 {
        app.logger.notice("Draining for \(app.settings.drainSeconds) s before stopping")
        try? await Task.sleep(for: .seconds(app.settings.drainSeconds))
    }
    let stopServer: () async -> Void = app.server.shutdown  // the async overload: waits for open connections
    await stopServer()
    let stuck = await app.requestsInFlight.settled(within: .seconds(10))
    for handler in stuck {
        app.logger.warning("Stopping with a request handler still running: \(handler.method) \(handler.uri.path), for \(ContinuousClock.now - handler.since)")
    }
}
