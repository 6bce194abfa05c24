import Foundation
import GraphSyncCore
import HTTPTypes
import Hummingbird
import NIOCore

/// A Graph error response: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
public struct GraphError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let ids = (context as? any GraphContext)?.requestIdentifiers ?? RequestIdentifiers(request: request)
        let body: JSONValue = .object([
            ("error", .object([
                ("code", .string(self.code)),
                ("message", .string(self.message)),
                ("innerError", .object([
                    ("date", .string(String(GraphDate.format(Date()).prefix(19)))),
                    ("request-id", .string(ids.requestId)),
                    ("client-request-id", .string(ids.clientRequestId)),
                ])),
            ]))
        ])
        var response = try GraphResponse.json(body, status: self.status)
        response.headers.append(contentsOf: self.headers)
        return response
    }
}

extension GraphError {
    static func badRequest(_ message: String, code: String = "Request_BadRequest") -> GraphError {
        GraphError(.badRequest, code: code, message: message)
    }

    static func notFound(_ id: String) -> GraphError {
        GraphError(
            .notFound, code: "Request_ResourceNotFound",
            message: "Resource '\(id)' does not exist or one of its queried reference-property objects are not present.")
    }

    /// Graph's 403, saying which permission `policy` wants from this caller.
    static func forbidden(_ policy: AccessPolicy, _ caller: Caller) -> GraphError {
        GraphError(
            .forbidden, code: "Authorization_RequestDenied",
            message: "Insufficient privileges to complete the operation. \(policy.missing(for: caller))")
    }

    static func unauthorized(_ message: String) -> GraphError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] =
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"\(WellKnown.graphAppId)\", error=\"invalid_token\""
        return GraphError(.unauthorized, code: "InvalidAuthenticationToken", message: message, headers: headers)
    }

    /// Maps domain and store errors to Graph errors; anything unknown becomes a 500 without internal detail.
    static func from(_ error: any Error) -> GraphError {
        switch error {
        case let error as GraphError: return error
        case DirectoryError.notFound(let id): return .notFound(id)
        case DirectoryError.badRequest(let message): return .badRequest(message)
        case DirectoryError.conflict(let message): return .badRequest(message, code: "Request_MultipleObjectsWithSameKeyValue")
        case DirectoryError.forbidden(let message): return GraphError(.forbidden, code: "Authorization_RequestDenied", message: message)
        case StoreError.conflict(let message): return .badRequest(message, code: "Request_MultipleObjectsWithSameKeyValue")
        case StoreError.missingReference(let id): return .notFound(id)
        case let error as SynchronizationError: return .synchronization(error)
        case is NIOTooManyBytesError:
            return GraphError(.contentTooLarge, code: "RequestEntityTooLarge", message: "The request body exceeds the 1 MiB limit.")
        case StoreError.unsupportedFilter(let field):
            return .badRequest("Unsupported or invalid query filter clause specified for property '\(field)' of resource.")
        case StoreError.unsupportedSort(let field):
            return .badRequest("Unsupported sort property '\(field.prefix(100))'.", code: "Request_UnsupportedQuery")
        case StoreError.invalidSkipToken:
            return .badRequest("Invalid $skiptoken: it does not continue this query.", code: "Request_BadRequest")
        default:
            return GraphError(.internalServerError, code: "generalException", message: "An internal server error occurred.")
        }
    }
}

/// Synchronization errors as Graph errors.
extension GraphError {
    /// `text` without its closing full stop, so it can be embedded in a sentence.
    static func sentence(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while trimmed.hasSuffix(".") { trimmed.removeLast() }
        return trimmed
    }

    static func synchronization(_ error: SynchronizationError) -> GraphError {
        switch error {
        case .missingCredentials(let message):
            Self(.badRequest, code: "CredentialsMissing", message: message)
        case .secretsBoundToDestination(let message):
            Self(.badRequest, code: "SecretsBoundToDestination", message: message)
        case .federationNotAllowed(let message):
            Self(.forbidden, code: "Authorization_RequestDenied", message: message)
        case .destinationRefused(let message):
            Self(.badRequest, code: "TokenUrlNotAllowed", message: message)
        case .exchangeRefused(let code, let description):
            Self(
                .badRequest, code: "AcquireAccessTokenFailed",
                message: "The application's token endpoint refused the exchange: \(code)\(description.map { ": \(Self.sentence($0))" } ?? ""). Nothing was stored.")
        case .badGateway(let message):
            Self(.badGateway, code: "TokenEndpointUnavailable", message: "\(Self.sentence(message)). Nothing was stored.")
        case .gatewayTimeout(let message):
            Self(.gatewayTimeout, code: "TokenEndpointTimeout", message: "\(Self.sentence(message)). Nothing was stored.")
        }
    }
}
