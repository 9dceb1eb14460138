import NIOConcurrencyHelpers
import NIOCore

/// The connections open through the front door: how many each client address holds (for the cap), and which client
/// each connection to the server stands for, by the server-side connection's port, so the server can name the real
/// client rather than the front door's loopback address.
public final class ClientConnections: Sendable {
    private struct State {
        var perAddress: [String: Int] = [:]
        var clientByBridgePort: [Int: String] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// Connections one address may hold; 0 is no cap.
    let capPerAddress: Int
    /// Addresses the cap does not apply to: a reverse proxy carries many clients on its connections.
    let uncapped: Set<String>

    init(capPerAddress: Int, uncapped: Set<String>) {
        self.capPerAddress = capPerAddress
        self.uncapped = uncapped
    }

    /// Counts a new connection from `address`, or says no when the address already holds its share.
    func admit(_ address: String) -> Bool {
        state.withLockedValue { state in
            let open = state.perAddress[address, default: 0]
            if capPerAddress > 0, !uncapped.contains(address), open >= capPerAddress { return false }
            state.perAddress[address] = open + 1
            return true
        }
    }

    func release(_ address: String) {
        state.withLockedValue { state in
            let open = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = open > 0 ? open : nil
        }
    }

    func bridged(port: Int, client: String) {
        state.withLockedValue { $0.clientByBridgePort[port] = client }
    }

    func unbridged(port: Int) {
        _ = state.withLockedValue { $0.clientByBridgePort.removeValue(forKey: port) }
    }

    /// The client behind a server-side connection from the front door (known by its source port), if it is one.
    public func client(bridgePort: Int) -> String? {
        state.withLockedValue { $0.clientByBridgePort[bridgePort] }
    }

    /// Open connections from `address`, for tests and metrics.
    public func open(from address: String) -> Int {
        state.withLockedValue { $0.perAddress[address, default: 0] }
    }
}
