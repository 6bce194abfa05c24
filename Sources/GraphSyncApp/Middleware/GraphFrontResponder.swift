import Foundation
import HTTPTypes
import Hummingbird

/// The outermost responder: gives each request its Graph ids, rewrites OData key segments
/// (`servicePrincipals(appId='…')` → `servicePrincipals/appId=…`) so the router can match them,
/// and stamps `request-id` and `client-request-id` on every response (Hummingbird adds `Date`).
struct GraphFrontResponder<Next: HTTPResponder>: HTTPResponder where Next.Context == AppRequestContext {
    let next: Next

    func respond(to request: Request, context: AppRequestContext) async throws -> Response {
        var context = context
        let ids = RequestIdentifiers(request: request)
        context.requestIdentifiers = ids
        var response: Response
        do {
            response = try await self.next.respond(to: Self.rewritingKeySegments(request), context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.requestId] = ids.requestId
        response.headers[.clientRequestId] = ids.clientRequestId
        return response
    }

    /// Turns `name(key='value')` and `name('value')` path segments into `name/key=value` and `name/value`.
    static func rewritingKeySegments(_ request: Request) -> Request {
        let path = request.uri.path
        guard path.utf8.contains(UInt8(ascii: "(")), let decoded = path.removingPercentEncoding else { return request }
        var changed = false
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasSuffix(")"), let open = segment.firstIndex(of: "("), open != segment.startIndex else { return String(segment) }
            let name = segment[..<open]
            var key = segment[segment.index(after: open)..<segment.index(before: segment.endIndex)]
            guard !key.isEmpty, !name.hasSuffix("()") else { return String(segment) }
            changed = true
            if key.hasPrefix("'") && key.hasSuffix("'") && key.count >= 2 { key = key.dropFirst().dropLast() }
            let rewritten = key.replacingOccurrences(of: "='", with: "=").replacingOccurrences(of: "'", with: "")
            let encoded = rewritten.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? rewritten
            return "\(name)/\(encoded)"
        }
        guard changed else { return request }
        var head = request.head
        let query = request.uri.query.map { "?" + $0 } ?? ""
        head.path = segments.joined(separator: "/") + query
        return Request(head: head, body: request.body)
    }
}
