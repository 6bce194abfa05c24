import Foundation
import GraphSyncAuthority
import GraphSyncCore
import Hummingbird
import Logging
import NIOCore

/// `POST /{tenant}/oauth2/v2.0/token`: the client credentials and resource owner password grants.
///
/// Client authentication by `client_secret_post` or `client_secret_basic` (RFC 6749 §2.3.1).
struct TokenController {
    let endpoints: AuthorityEndpoints
    let tenant: Tenant
    let authority: AuthorityService
    let minter: TokenMinter

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(":tenant/oauth2/v2.0/token", use: self.token)
        router.post(":tenant/oauth2/token", use: self.token)
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        let form = try await self.form(request, context: context)
        let (clientId, clientSecret) = try Self.clientCredentials(request, form: form)
        let grant: AccessTokenGrant
        do {
            switch form["grant_type"] {
            case "client_credentials":
                grant = try await self.authority.clientCredentials(
                    clientId: clientId, clientSecret: clientSecret, scope: form["scope"], servedAt: self.endpoints.baseURL(for: request))
            case "password":
                guard let username = form["username"], let password = form["password"] else {
                    throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'username' and 'password'.")
                }
                grant = try await self.authority.password(
                    clientId: clientId, clientSecret: clientSecret, username: username, password: password, scope: form["scope"],
                    servedAt: self.endpoints.baseURL(for: request))
            case nil:
                throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
            case let other?:
                throw TokenRequestError(
                    .unsupportedGrantType, aadsts: 70_003, "AADSTS70003: The app requested an unsupported grant type '\(other)'.")
            }
        } catch let failure as TokenRequestError {
            context.logger.info("token request refused", metadata: ["client_id": "\(clientId)", "error": "\(failure.code.rawValue)", "aadsts": "\(failure.aadsts)"])
            throw OAuthError(failure)
        }
        let token = try await self.minter.token(for: grant, issuer: self.endpoints.issuer(for: request))
        var members: [(String, JSONValue)] = [
            ("token_type", .string("Bearer")),
            ("expires_in", .number(Double(token.expiresIn))),
            ("ext_expires_in", .number(Double(token.expiresIn))),
            ("access_token", .string(token.accessToken)),
        ]
        if grant.kind == .delegated {
            let audience = grant.audience
            members.insert(("scope", .string(grant.scopes.map { "\(audience)/\($0)" }.joined(separator: " "))), at: 1)
        }
        var response = Response(status: .ok, body: .init(byteBuffer: .init(bytes: JSONValue.object(members).serialized())))
        response.headers[.contentType] = "application/json; charset=utf-8"
        response.headers[.cacheControl] = "no-store, no-cache"
        response.headers[.pragma] = "no-cache"
        return response
    }

    private func form(_ request: Request, context: AppRequestContext) async throws -> [String: String] {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw OAuthError(TokenRequestError(
                .invalidRequest, aadsts: 900_561,
                "AADSTS900561: The endpoint only accepts POST requests with Content-Type application/x-www-form-urlencoded."))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 * 1024)
        } catch is NIOTooManyBytesError {
            throw OAuthError(status: .contentTooLarge, error: "invalid_request", description: "AADSTS90015: The request body exceeds 64 KiB.", codes: [90_015])
        }
        var form: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { Self.formDecode(String($0)) }
            guard let name = parts.first, !name.isEmpty else { continue }
            if form[name] != nil {
                throw OAuthError(TokenRequestError(.invalidRequest, aadsts: 90_015, "AADSTS90015: Requested query string is too long or the parameter '\(name)' is repeated."))
            }
            form[name] = parts.count > 1 ? parts[1] : ""
        }
        return form
    }

    /// The client id and secret from the body (`client_secret_post`) or the Basic header (`client_secret_basic`).
    static func clientCredentials(_ request: Request, form: [String: String]) throws -> (String, String?) {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else {
                throw OAuthError(TokenRequestError(.invalidClient, aadsts: 7_000_215, "AADSTS7000215: The Basic authorization header is malformed."))
            }
            let id = Self.formDecode(String(text[..<colon]))
            let secret = Self.formDecode(String(text[text.index(after: colon)...]))
            if let bodyId = form["client_id"], bodyId != id {
                throw OAuthError(TokenRequestError(.invalidRequest, aadsts: 50_148, "AADSTS50148: The client_id in the body does not match the Basic authorization header."))
            }
            if form["client_secret"] != nil {
                throw OAuthError(TokenRequestError(.invalidRequest, aadsts: 7_000_216, "AADSTS7000216: Use only one client authentication method: client_secret in the body or the Basic header."))
            }
            return (id, secret)
        }
        guard let id = form["client_id"], !id.isEmpty else {
            throw OAuthError(TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'client_id'."))
        }
        return (id, form["client_secret"])
    }

    static func formDecode(_ value: String) -> String {
        value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
    }
}

extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
}

import HTTPTypes
import NIOCore
