import Foundation
import GraphSyncCore
import Hummingbird

/// Counts and times every request by route template, method and status. Unlike Hummingbird's `MetricsMiddleware`,
/// every label comes from a bounded set: a method outside HTTP's own is counted as `other` and a path no route matched
/// as `unmatched`, so callers inventing methods or paths cannot grow the registry.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    static var knownMethods: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .patch, .delete, .options] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let method = Self.knownMethods.contains(request.method) ? request.method.rawValue : "other"
        do {
            let response = try await next(request, context)
            self.record(method, context.endpointPath, response.status.code, started)
            return response
        } catch {
            self.record(method, context.endpointPath, (error as? any HTTPResponseError)?.status.code ?? 500, started)
            throw error
        }
    }

    private func record(_ method: String, _ route: String?, _ status: Int, _ started: ContinuousClock.Instant) {
        Telemetry.httpRequest(method: method, route: route ?? "unmatched", status: status, seconds: (ContinuousClock.now - started).inSeconds)
    }
}
