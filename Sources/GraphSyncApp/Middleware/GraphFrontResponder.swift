import Foundation
import HTTPTypes
import Hummingbird

/// The outermost responder: gives each request its Graph ids, rewrites OData key segments
/// (`servicePrincipals(appId='…')` → `servicePrincipals/appId=…`) so the router can match them,
/// and stamps `request-id`, `client-request-id` and `Date` on every response.
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
        if response.headers[.date] == nil { response.headers[.date] = HTTPDate.format(Date()) }
        return response
    }

    /// Turns `name(key='value')` and `name('value')` path segments into `name/key=value` and `name/value`.
    static func rewritingKeySegments(_ request: Request) -> Request {
        let path = request.uri.path
        guard path.contains("("), let decoded = path.removingPercentEncoding else { return request }
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

/// RFC 7231 `Date` header values: `Tue, 24 Nov 2026 22:07:57 GMT`.
enum HTTPDate {
    static func format(_ date: Date) -> String {
        let style = Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) GMT",
            locale: Locale(identifier: "en_US_POSIX"), timeZone: TimeZone(identifier: "GMT")!, calendar: Calendar(identifier: .gregorian))
        return date.formatted(style)
    }
}
