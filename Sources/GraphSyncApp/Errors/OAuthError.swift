import Foundation
import GraphSyncCore
import HTTPTypes
import Hummingbird

/// An OAuth 2.0 error as the Microsoft identity platform returns it:
/// `{"error","error_description","error_codes","timestamp","trace_id","correlation_id"}`.
struct OAuthError: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var error: String
    var description: String
    var codes: [Int]
    var retryAfter: TimeInterval?

    init(_ failure: TokenRequestError) {
        self.status = HTTPResponse.Status(code: failure.httpStatus)
        self.error = failure.code.rawValue
        self.description = failure.description
        self.codes = [failure.aadsts]
        self.retryAfter = failure.retryAfter
    }

    init(status: HTTPResponse.Status, error: String, description: String, codes: [Int]) {
        self.status = status
        self.error = error
        self.description = description
        self.codes = codes
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let ids = (context as? any GraphContext)?.requestIdentifiers ?? RequestIdentifiers(request: request)
        let timestamp = String(GraphDate.format(Date()).prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
        let body: JSONValue = .object([
            ("error", .string(self.error)),
            ("error_description", .string("\(self.description) Trace ID: \(ids.requestId) Correlation ID: \(ids.clientRequestId) Timestamp: \(timestamp)")),
            ("error_codes", .array(self.codes.map { .number(Double($0)) })),
            ("timestamp", .string(timestamp)),
            ("trace_id", .string(ids.requestId)),
            ("correlation_id", .string(ids.clientRequestId)),
        ])
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store, no-cache"
        if self.status == .unauthorized { headers[.wwwAuthenticate] = "Basic realm=\"GraphSync\"" }
        if let retryAfter = self.retryAfter { headers[.retryAfter] = String(max(1, Int(min(retryAfter, 86_400).rounded(.up)))) }
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: .init(bytes: body.serialized())))
    }
}
