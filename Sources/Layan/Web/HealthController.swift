import Fluent
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// `GET /healthz`: for load balancers and monitoring. 503 when the database does not answer.
struct HealthController: RouteCollection {
    struct Health: Content {
        let status: String
        let database: String
        let version: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.healthz, use: health)
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
