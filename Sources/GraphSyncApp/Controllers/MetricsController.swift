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
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// `GET /metrics`: the Prometheus text format, behind `GRAPHSYNC_METRICS_TOKEN` when one is set.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let token: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("metrics") { request, _ -> Response in
            if let token = self.token {
                let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
                guard SignInHandle.constantTimeEquals(presented, token) else {
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
