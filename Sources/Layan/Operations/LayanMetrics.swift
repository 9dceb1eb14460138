import Metrics
import Prometheus

/// The process's metrics (issue #21, item 4): one Prometheus registry fed through swift-metrics, so Vapor's own
/// per-route request counts and latencies (`http_requests_total`, `http_request_duration_seconds`), the storage's write
/// batches and the background jobs land in it beside the domain's gauges (`OperationsGauges`).
enum LayanMetrics {
    static let registry = PrometheusCollectorRegistry()

    /// swift-metrics takes one factory per process, however many applications (tests make hundreds) start in it.
    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // The storage's group commit carries 1 to 64 writes a batch.
        factory.valueHistogramBuckets["layan_db_write_batch_size"] = [1, 2, 4, 8, 16, 32, 64]
        MetricsSystem.bootstrap(factory)
    }()

    static func bootstrap() { _ = bootstrapped }

    /// The exposition, text format 0.0.4.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
