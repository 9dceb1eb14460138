import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A listener in front of the HTTP server, in the same process, that guards the connections themselves — which the
/// server's own pipeline cannot be extended to do (docs/architecture.md: the front door). Per connection it admits
/// the client under a cap per address, times and bounds the request heads (HeadGuard), and bridges the bytes to the
/// server listening on loopback. Behind nginx it can be turned off: nginx then does this work (docs/security.md).
public final class FrontDoor: Sendable {
    public struct Settings: Sendable {
        /// A request head must be read whole within this time (nginx's `client_header_timeout`).
        public var headerTimeout: TimeAmount
        /// Connections one client address may hold at once (nginx's `limit_conn`); 0 is no cap.
        public var connectionsPerAddress: Int
        /// Addresses without a cap: trusted reverse proxies.
        public var uncapped: Set<String>
        public var limits: RequestFraming.Limits
        public var backlog: Int32

        public init(headerTimeout: TimeAmount = .seconds(10), connectionsPerAddress: Int = 256, uncapped: Set<String> = [],
                    limits: RequestFraming.Limits = .init(), backlog: Int32 = 1024) {
            self.headerTimeout = headerTimeout
            self.connectionsPerAddress = connectionsPerAddress
            self.uncapped = uncapped
            self.limits = limits
            self.backlog = backlog
        }
    }

    public let connections: ClientConnections
    private let settings: Settings
    private let group: any EventLoopGroup
    private let listener: NIOLockedValueBox<(any Channel)?> = .init(nil)

    public init(settings: Settings, group: any EventLoopGroup) {
        self.settings = settings
        self.group = group
        self.connections = ClientConnections(capPerAddress: settings.connectionsPerAddress, uncapped: settings.uncapped)
    }

    /// Listens on `host`:`port` and bridges every admitted connection to `server`.
    public func start(host: String, port: Int, server: SocketAddress) async throws {
        let settings = self.settings, connections = self.connections
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: settings.backlog)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.autoRead, value: false)  // nothing is read until the server end is there
            .childChannelInitializer { client in
                Self.admit(client, settings: settings, connections: connections, server: server)
            }
            .bind(host: host, port: port)
            .get()
        listener.withLockedValue { $0 = channel }
    }

    public var localAddress: SocketAddress? { listener.withLockedValue { $0?.localAddress } }

    /// Stops accepting; open connections keep going until the server closes its ends.
    public func stopAccepting() async {
        let channel = listener.withLockedValue { channel in defer { channel = nil }; return channel }
        try? await channel?.close()
    }

    private static func admit(_ client: any Channel, settings: Settings, connections: ClientConnections,
                              server: SocketAddress) -> EventLoopFuture<Void> {
        let address = client.remoteAddress?.ipAddress ?? "unknown"
        guard connections.admit(address) else {
            // Over the cap: told so and closed, without taking a connection to the server.
            let answer = GuardAnswer.tooManyConnections.response(allocator: client.allocator)
            client.writeAndFlush(answer).whenComplete { _ in client.close(promise: nil) }
            return client.eventLoop.makeSucceededVoidFuture()
        }
        client.closeFuture.whenComplete { _ in connections.release(address) }
        do {
            try client.pipeline.syncOperations.addHandler(HeadGuard(limits: settings.limits, headerTimeout: settings.headerTimeout))
        } catch {
            return client.eventLoop.makeFailedFuture(error)
        }
        let (clientEnd, serverEnd) = Bridge.pair()
        let clientEndBound = NIOLoopBound(clientEnd, eventLoop: client.eventLoop)
        let serverEndBound = NIOLoopBound(serverEnd, eventLoop: client.eventLoop)
        // The server end shares the client's event loop, so the two bridge ends never cross threads.
        ClientBootstrap(group: client.eventLoop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { upstream in
                upstream.eventLoop.makeCompletedFuture { try upstream.pipeline.syncOperations.addHandler(serverEndBound.value) }
            }
            .connect(to: server)
            .whenComplete { result in
                switch result {
                case .failure:
                    client.close(promise: nil)
                case .success(let upstream):
                    // (The client's channel may not be active yet: the initializer runs before activation.)
                    client.closeFuture.whenComplete { _ in upstream.close(promise: nil) }
                    if let port = upstream.localAddress?.port {
                        connections.bridged(port: port, client: address)
                        upstream.closeFuture.whenComplete { _ in connections.unbridged(port: port) }
                    }
                    do {
                        try client.pipeline.syncOperations.addHandler(clientEndBound.value)
                        client.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in client.close(promise: nil) }
                    } catch {
                        client.close(promise: nil)
                        upstream.close(promise: nil)
                    }
                }
            }
        return client.eventLoop.makeSucceededVoidFuture()
    }
}
