import FluentPostgresDriver
import Foundation
import Layan
import LayanStorage
import LayanCore
import Vapor
import VaporTesting

/// Every test gets its own fresh database: a temporary SQLite file, or — when `scripts/test` sets
/// `LAYAN_TEST_POSTGRES_URL` — a new PostgreSQL database created for the test and dropped after it.
enum TestDatabase {
    static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["LAYAN_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var engine: String { postgresAdminURL == nil ? "sqlite" : "postgresql" }

    /// Creates a fresh database and returns its target and a clean-up to run afterwards.
    static func make() async throws -> (DatabaseTarget, @Sendable () async -> Void) {
        let name = "layan_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        guard let admin = postgresAdminURL else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).sqlite").path
            return (.sqlite(path: path), {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            })
        }
        try await runAdmin(admin, "CREATE DATABASE \(name)")
        var components = URLComponents(string: admin)!
        components.path = "/\(name)"
        return (.postgres(url: components.string!), {
            try? await runAdmin(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        })
    }

    private static func runAdmin(_ url: String, _ sql: String) async throws {
        let config = try SQLPostgresConfiguration(url: url)
        let logger = Logger(label: "test-admin")
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: config.coreConfiguration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// Builds Layan exactly as the server does (through `configure`), on a fresh database, runs `body`, and
/// tears everything down, also when the test fails.
func withLayan<T>(
    clock: (any WallClock)? = nil,
    adjust: (inout AppSettings) -> Void = { _ in },
    _ body: (Application) async throws -> T
) async throws -> T {
    let (target, cleanUp) = try await TestDatabase.make()
    var settings = AppSettings(database: target, bcryptCost: 4)
    settings.runJobs = false  // tests run the jobs themselves, when they want them
    settings.dataKey = Data(repeating: 7, count: 32).base64EncodedString()  // never a key file in data/
    adjust(&settings)
    let app = try await Application.make(.testing)
    do {
        if let clock { app.clock = clock }
        try await configure(app, settings: settings)
        let result = try await body(app)
        try await app.asyncShutdown()
        await cleanUp()
        return result
    } catch {
        try? await app.asyncShutdown()
        await cleanUp()
        throw error
    }
}
