import GraphSyncAuthority
import Hummingbird

/// Verifies the `Authorization: Bearer` token of a Graph request and records the caller in the context.
/// Any failure is a 401 `InvalidAuthenticationToken` that says what was wrong, with `WWW-Authenticate: Bearer`.
struct BearerAuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let verifier: TokenVerifier
    /// The issuer this server's own tokens carry, named when a token's issuer is refused.
    let localIssuer: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], !header.isEmpty else {
            throw GraphError.unauthorized(TokenValidationFailure.missing.message)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw GraphError.unauthorized("Access token is empty. The Authorization header must use the Bearer scheme.")
        }
        var context = context
        do {
            // Trimmed by hand: Foundation's trimming bridges through UTF-16, which costs more than verifying a cached token.
            var token = parts[1]
            while token.first == " " { token = token.dropFirst() }
            while token.last == " " { token = token.dropLast() }
            context.caller = try await self.verifier.verify(String(token))
        } catch {
            switch error {
            case .unknownIssuer:
                throw GraphError.unauthorized(
                    "\(error.message) This server's tokens are issued by '\(self.localIssuer)' (the host, port and scheme of the token endpoint name the issuer); tokens of other authorities are accepted only with --trust-issuer.")
            case .malformed:
                throw GraphError.unauthorized("\(error.message) (the bearer token is not a JWT: expected three base64url parts separated by dots).")
            default:
                throw GraphError.unauthorized(error.message)
            }
        }
        return try await next(request, context)
    }
}

import Foundation
