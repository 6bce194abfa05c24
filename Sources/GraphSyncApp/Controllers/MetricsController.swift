import Foundation
import GraphSyncCore
import Hummingbird
import Metrics
import Prometheus

/// The process's Prometheus registry. swift-metrics takes one backend per process, bootstrapped on first use: every
/// server in the process (tests run several) records into it.
enum GraphSyncMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Cycles last seconds to an hour, SCIM requests up to their timeout: the default 5 ms…10 s buckets would put
        // them all in +Inf.
        factory.durationHistogramBuckets = [
            "graphsync_provisioning_cycle_duration_seconds": [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600].map { Duration.seconds($0) },
            "graphsync_scim_request_duration_seconds": [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60].map { Duration.milliseconds(Int64($0 * 1_000)) },
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// `GET /metrics`: the Prometheus text format, behind `GRAPHSYNC_METRICS_TOKEN` when one is set. Without one it is
/// open only where `AppConfiguration.metricsMayBeOpen`; elsewhere every scrape is refused.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let token: String?
    let mayBeOpen: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("metrics") { request, _ -> Response in
            if self.token != nil || !self.mayBeOpen {
                let token = self.token ?? ""
                // The scheme is case-insensitive (RFC 9110 §11.1).
                let header = request.headers[.authorization] ?? ""
                let presented = header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
                guard !token.isEmpty, SignInHandle.constantTimeEquals(presented, token) else {
                    var headers = HTTPFields()
                    headers[.wwwAuthenticate] = "Bearer realm=\"graphsync-metrics\""
                    return Response(status: .unauthorized, headers: headers)
                }
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer())))
        }
    }
}
