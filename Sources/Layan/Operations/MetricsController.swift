import Vapor

/// `GET /metrics`: the Prometheus exposition (issue #21, item 4), for a token with `metrics:read` (or an administrator).
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.api(.metricsRead)).get(.metrics, use: metrics)
    }

    func metrics(req: Request) async throws -> Response {
        try await OperationsGauges.refresh(req.application)
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(data: Data(LayanMetrics.exposition())))
    }
}
