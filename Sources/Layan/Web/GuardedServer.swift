import LayanFrontDoor
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// The server `layan serve` runs: Vapor's HTTP server on a loopback port of its own, and the front door on the
/// public address in front of it (issue 15, items 2 and 8; docs/security.md). With `LAYAN_FRONT_DOOR=off` Vapor's
/// server takes the public address itself, for set-ups where nginx guards the connections.
final class GuardedServer: Server {
    private let application: Application
    let frontDoor: FrontDoor

    init(application: Application, settings: FrontDoor.Settings) {
        self.application = application
        self.frontDoor = FrontDoor(settings: settings, group: application.eventLoopGroup)
    }

    private var inner: HTTPServer { application.http.server.shared }
    var onShutdown: EventLoopFuture<Void> { inner.onShutdown }

    @available(*, noasync, message: "Use the async start() method instead.")
    func start(address: BindAddress?) throws {
        try application.eventLoopGroup.any().makeFutureWithTask { try await self.start(address: address) }.wait()
    }

    func start(address: BindAddress?) async throws {
        let configured = application.http.server.configuration
        let (host, port): (String, Int)
        switch address {
        case .none: (host, port) = (configured.hostname, configured.port)
        case .hostname(let hostname, let portNumber): (host, port) = (hostname ?? configured.hostname, portNumber ?? configured.port)
        case .unixDomainSocket:
            // A unix socket is only reachable from this machine, through a proxy that guards connections itself.
            try await inner.start(address: address)
            return
        }
        try await inner.start(address: .hostname("127.0.0.1", port: 0))
        guard let bridged = inner.localAddress else { throw Abort(.internalServerError, reason: "The HTTP server has no address") }
        try await frontDoor.start(host: host, port: port, server: bridged)
        application.logger.notice("Front door listening on http://\(host):\(frontDoor.localAddress?.port ?? port)")
    }

    @available(*, noasync, message: "Use the async shutdown() method instead.")
    func shutdown() {
        try? application.eventLoopGroup.any().makeFutureWithTask { await self.shutdown() }.wait()
    }

    func shutdown() async {
        await frontDoor.stopAccepting()
        await inner.shutdown()
    }
}

extension Application {
    private struct GuardedServerKey: StorageKey { typealias Value = GuardedServer }

    /// Serves through the front door; `app.server` asks its factory on every use, so the one server is kept here.
    func useFrontDoor(_ settings: FrontDoor.Settings) {
        let server = GuardedServer(application: self, settings: settings)
        storage[GuardedServerKey.self] = server
        servers.use { _ in server }
    }

    /// The client behind a connection the front door bridged, known by the bridge's source port.
    func frontDoorClient(of peer: SocketAddress?) -> String? {
        guard let server = storage[GuardedServerKey.self], peer?.ipAddress == "127.0.0.1", let port = peer?.port else { return nil }
        return server.frontDoor.connections.client(bridgePort: port)
    }
}
