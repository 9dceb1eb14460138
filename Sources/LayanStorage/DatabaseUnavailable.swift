import AsyncKit
import FluentPostgresDriver
import Foundation
import NIOCore
import PostgresNIO

/// Whether an error says the database cannot be reached right now — PostgreSQL restarting or unreachable, a connection
/// lost mid-query, the pool unable to lend one in time — rather than that a request was wrong (issue #21, item 1:
/// during an outage requests get a clear 503, never a 500). Each driver's errors are known only here.
package enum DatabaseUnavailable {
    package static func matches(_ error: any Error) -> Bool {
        switch error {
        case let psql as PSQLError:
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Class 08: connection exception; class 57: operator intervention (shutting down, starting up).
                let state = psql.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57")
            default:
                return false
            }
        case is ConnectionPoolTimeoutError:
            return true
        case let pool as ConnectionPoolError:
            if case .shutdown = pool { return false }
            return true
        case let channel as ChannelError:
            // The connection went while a query was on it.
            return channel == .ioOnClosedChannel || channel == .alreadyClosed || channel == .eof
        case let io as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT].contains(io.errnoCode)
        default:
            return false
        }
    }
}
