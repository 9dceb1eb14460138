import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Where the data lives. SQLite file by default; PostgreSQL when `DATABASE_URL=postgres://…` (design.md).
public enum DatabaseTarget: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultSQLitePath = "data/layan.sqlite"

    /// The engine's name as `/healthz` reports it.
    public var engineName: String { engine.rawValue }

    package var engine: StorageEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgresql
        }
    }
}

/// The two engines Layan runs on. Capability code never switches on it: what differs lives in this target.
package enum StorageEngine: String, Sendable {
    case sqlite
    case postgresql
}

/// Opens the configured database. SQLite gets the settings design.md asks for on every connection.
package enum LayanDatabase {
    package static func configure(_ app: Application, target: DatabaseTarget, postgresConnectionsPerEventLoop: Int,
                                  sqliteSynchronous: SQLiteSynchronous = .full) async throws {
        switch target {
        case let .sqlite(path):
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            SQLiteConnectionSettings.installOnEveryConnection(synchronous: sqliteSynchronous)
            app.databases.use(.directSQLite(path: path), as: .sqlite)
            // WAL is a property of the file, so once at boot is enough.
            try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
        case let .postgres(url):
            var configuration = try SQLPostgresConfiguration(url: url)
            // Named, so this instance's connections can be told apart in pg_stat_activity — by an operator, and by the
            // pool gauge on /metrics (`connectionsInUse`), since the pool itself keeps no count it would give.
            configuration.coreConfiguration.options.additionalStartupParameters = [("application_name", PostgresConnections.applicationName)]
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: postgresConnectionsPerEventLoop,
                                        encodingContext: .default, decodingContext: .default), as: .psql)
        }
    }
}

/// This process's PostgreSQL connections, as the server sees them.
package enum PostgresConnections {
    /// `layan-<host>-<pid>`: unique per instance, within PostgreSQL's 63 bytes.
    package static let applicationName = String("layan-\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)".prefix(63))

    /// This instance's open connections by state (`active`, `idle`, `idle in transaction`), from pg_stat_activity;
    /// nil on SQLite, which has no pool of connections to a server.
    package static func inUse(on db: any Database) async throws -> [String: Int]? {
        guard db.engine == .postgresql else { return nil }
        let rows = try await db.sql.raw("""
            SELECT COALESCE(state, 'unknown') AS state, CAST(COUNT(*) AS BIGINT) AS n FROM pg_stat_activity
            WHERE application_name = \(bind: applicationName) GROUP BY state
            """).all()
        var states: [String: Int] = [:]
        for row in rows { states[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return states
    }
}

extension Database {
    /// The database as SQLKit sees it, for hand-written statements: every engine Layan configures speaks SQL, so
    /// this is the one place the conversion is made.
    package var sql: any SQLDatabase {
        // Both drivers' databases are SQL databases; a test double that is not fails loudly here, not in a handler.
        guard let sql = self as? any SQLDatabase else { preconditionFailure("Layan's databases speak SQL") }
        return sql
    }

    /// Which engine this is (the storage target's own switches: capability code asks for a behaviour instead).
    package var engine: StorageEngine { self is any PostgresDatabase ? .postgresql : .sqlite }
}

extension SQLDatabase {
    /// `expression` typed as a UUID column takes it in an `INSERT … SELECT`: PostgreSQL reads a quoted literal there as
    /// text, SQLite keeps UUIDs as text already.
    package func asUUID(_ expression: String) -> String {
        dialect.name == StorageEngine.sqlite.rawValue ? expression : "CAST(\(expression) AS UUID)"
    }
}

extension SQLDatabase {
    /// Tells the planner a table has grown by a bulk write. PostgreSQL plans from statistics that autovacuum refreshes
    /// about once a minute, so a table filled from empty in one import was read through in full for every batch's
    /// look-ups (measured: the telephone import); `ANALYZE` samples it in milliseconds. SQLite's planner uses an index
    /// for such look-ups without statistics, and its `ANALYZE` reads whole indexes: nothing to do there.
    package func tableGrew(_ table: String) async throws {
        guard dialect.name != StorageEngine.sqlite.rawValue else { return }
        try await raw("ANALYZE \(ident: table)").run()
    }
}
