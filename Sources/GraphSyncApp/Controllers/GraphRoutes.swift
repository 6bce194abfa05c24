import Foundation
import HTTPTypes
import Hummingbird

/// Registers Graph routes under `/v1.0` and `/beta`, remembering which methods each path has so that
/// the others answer 405 instead of falling through to "not found".
final class GraphRoutes {
    typealias Handler = @Sendable (Request, AuthenticatedContext) async throws -> Response

    private let groups: [RouterGroup<AuthenticatedContext>]
    private var methods: [String: Set<HTTPRequest.Method>] = [:]
    private var order: [String] = []

    init(groups: [RouterGroup<AuthenticatedContext>]) { self.groups = groups }

    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        for group in self.groups { group.on(RouterPath(path), method: method) { request, context in try await handler(request, context) } }
        if self.methods[path] == nil { self.order.append(path) }
        self.methods[path, default: []].insert(method)
    }

    func get(_ path: String, _ handler: @escaping Handler) { self.on(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { self.on(.post, path, handler) }
    func put(_ path: String, _ handler: @escaping Handler) { self.on(.put, path, handler) }
    func patch(_ path: String, _ handler: @escaping Handler) { self.on(.patch, path, handler) }
    func delete(_ path: String, _ handler: @escaping Handler) { self.on(.delete, path, handler) }

    /// The registered paths, split into segments (`:name` for a parameter), for naming the bad segment of an unknown path.
    var patterns: [[Substring]] { self.order.map { $0.split(separator: "/") } }

    /// The first segment of `path` (after the version) that no registered route has at that place: Graph names it in
    /// "Resource not found for the segment '…'".
    static func unknownSegment(of path: [Substring], patterns: [[Substring]]) -> Substring {
        var matched = 0
        for pattern in patterns {
            var count = 0
            while count < min(pattern.count, path.count),
                pattern[count].hasPrefix(":") || pattern[count].caseInsensitiveCompare(path[count]) == .orderedSame
            {
                count += 1
            }
            matched = max(matched, count)
        }
        return matched < path.count ? path[matched] : path.last ?? ""
    }

    /// Adds 405 answers for the methods a path does not have. Call once, after every route is registered.
    func finish() {
        let all: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        for path in self.order {
            let allowed = self.methods[path] ?? []
            let allowHeader = all.filter(allowed.contains).map(\.rawValue).joined(separator: ", ")
            for method in all where !allowed.contains(method) {
                for group in self.groups {
                    group.on(RouterPath(path), method: method) { request, _ -> Response in
                        var headers = HTTPFields()
                        headers[.allow] = allowHeader
                        throw GraphError(
                            .methodNotAllowed, code: "Request_BadRequest",
                            message: "The method '\(request.method.rawValue)' is not allowed on this resource; allowed: \(allowHeader).",
                            headers: headers)
                    }
                }
            }
        }
    }
}
