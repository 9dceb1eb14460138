import Fluent
import LayanCore
import LayanStorage
import SQLKit
import NIOConcurrencyHelpers
import Vapor

/// `GET /healthz`: for load balancers and monitoring. 503 when the database does not answer.
/// `GET /readyz`: ready for traffic only once every migration has run and the database answers (issue #21, item 4):
/// an instance started beside one still migrating, or before its own `layan migrate`, stays out of rotation.
struct HealthController: RouteCollection {
    struct Health: Content {
        let status: String
        let database: String
        let version: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.healthz, use: health)
        routes.get(.readyz, use: ready)
    }

    struct Readiness: Content {
        let status: String
        let database: String
        let version: String
        /// Migrations not yet run.
        let pendingMigrations: Int
    }

    func ready(req: Request) async throws -> Response {
        let app = req.application, engine = app.settings.database.engineName
        func answer(_ status: String, pending: Int = 0, _ code: HTTPStatus) async throws -> Response {
            try await Readiness(status: status, database: engine, version: LayanVersion.current, pendingMigrations: pending).encodeResponse(status: code, for: req)
        }
        if app.requestsInFlight.isDraining { return try await answer("draining", .serviceUnavailable) }
        do {
            try await req.db.sql.raw("SELECT 1").run()
            // Migrations never un-run: once all have, the log is not read again.
            if !app.migrationsComplete.withLockedValue({ $0 }) {
                let pending = try await app.migrator.previewPrepareBatch().get().count
                guard pending == 0 else { return try await answer("migrating", pending: pending, .serviceUnavailable) }
                app.migrationsComplete.withLockedValue { $0 = true }
            }
            return try await answer("ready", .ok)
        } catch {
            req.logger.warning("Readiness check: database or migration log did not answer: \(error)")
            return try await answer("unavailable", .serviceUnavailable)
        }
    }

    func health(req: Request) async throws -> Response {
        let engine = req.application.settings.database.engineName
        if req.application.requestsInFlight.isDraining {
            // Shutting down: a load balancer takes this instance out of rotation while it still answers.
            return try await Health(status: "draining", database: engine, version: LayanVersion.current)
                .encodeResponse(status: .serviceUnavailable, for: req)
        }
        do {
            try await req.db.sql.raw("SELECT 1").run()
            return try await Health(status: "ok", database: engine, version: LayanVersion.current).encodeResponse(for: req)
        } catch {
            req.logger.warning("Health check: database did not answer: \(error)")
            return try await Health(status: "unavailable", database: engine, version: LayanVersion.current)
                .encodeResponse(status: .serviceUnavailable, for: req)
        }
    }
}

extension Application {
    private struct MigrationsCompleteKey: StorageKey { typealias Value = NIOLockedValueBox<Bool> }
    /// Set by `/readyz` once no migration is pending; made in `configure`, before requests arrive.
    var migrationsComplete: NIOLockedValueBox<Bool> {
        get { storage[MigrationsCompleteKey.self]! }
        set { storage[MigrationsCompleteKey.self] = newValue }
    }
}
