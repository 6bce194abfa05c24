import Foundation
import GraphSyncAuthority
import GraphSyncCore
import Hummingbird
import Logging
import NIOCore

/// `POST /{tenant}/oauth2/v2.0/token`: the client credentials, password, authorization code, refresh token and device
/// code grants; and `POST /{tenant}/oauth2/v2.0/devicecode`.
///
/// Client authentication by `client_secret_post` or `client_secret_basic` (RFC 6749 §2.3.1).
struct TokenController {
    let endpoints: AuthorityEndpoints
    let tenant: Tenant
    let authority: AuthorityService
    let minter: TokenMinter
    let signIn: SignInService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(":tenant/oauth2/v2.0/token", use: self.token)
        router.post(":tenant/oauth2/token", use: self.token)
        router.post(":tenant/oauth2/v2.0/devicecode", use: self.deviceCode)
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        let form = try await FormBody.read(request)
        let (clientId, clientSecret) = try Self.clientCredentials(request, form: form)
        let issuer = self.endpoints.issuer(for: request)
        do {
            switch form["grant_type"] {
            case "client_credentials":
                return try await self.answer(self.authority.clientCredentials(
                    clientId: clientId, clientSecret: clientSecret, scope: form["scope"], servedAt: self.endpoints.baseURL(for: request)), issuer: issuer)
            case "password":
                guard let username = form["username"], let password = form["password"] else {
                    throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'username' and 'password'.")
                }
                return try await self.answer(self.authority.password(
                    clientId: clientId, clientSecret: clientSecret, username: username, password: password, scope: form["scope"],
                    address: context.sourceAddress, servedAt: self.endpoints.baseURL(for: request)), issuer: issuer)
            case "authorization_code":
                guard let code = form["code"] else {
                    throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'code'.")
                }
                return try await self.answer(self.signIn.redeem(
                    code: code, clientId: clientId, clientSecret: clientSecret, redirectUri: form["redirect_uri"], codeVerifier: form["code_verifier"]), issuer: issuer)
            case "refresh_token":
                guard let token = form["refresh_token"] else {
                    throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'refresh_token'.")
                }
                return try await self.answer(self.signIn.refresh(token: token, clientId: clientId, clientSecret: clientSecret, scope: form["scope"]), issuer: issuer)
            case "urn:ietf:params:oauth:grant-type:device_code", "device_code":
                guard let code = form["device_code"] ?? form["code"] else {
                    throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'device_code'.")
                }
                return try await self.answer(self.signIn.pollDevice(deviceCode: code, clientId: clientId), issuer: issuer)
            case nil:
                throw TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
            case let other?:
                throw TokenRequestError(
                    .unsupportedGrantType, aadsts: 70_003, "AADSTS70003: The app requested an unsupported grant type '\(other)'.")
            }
        } catch let failure as TokenRequestError {
            if failure.code != .authorizationPending {
                context.logger.info("token request refused", metadata: ["client_id": "\(clientId)", "error": "\(failure.code.rawValue)", "aadsts": "\(failure.aadsts)"])
            }
            throw OAuthError(failure)
        }
    }

    /// `POST /{tenant}/oauth2/v2.0/devicecode` (RFC 8628 §3.1): a device code, a user code and where to enter it.
    @Sendable func deviceCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        let form = try await FormBody.read(request)
        guard let clientId = form["client_id"], !clientId.isEmpty else {
            throw OAuthError(TokenRequestError(.invalidRequest, aadsts: 900_144, "AADSTS900144: The request body must contain the following parameter: 'client_id'."))
        }
        let started: DeviceAuthorization
        do {
            started = try await self.signIn.startDeviceFlow(clientId: clientId, scope: form["scope"], address: context.sourceAddress)
        } catch let failure as TokenRequestError {
            throw OAuthError(failure)
        }
        let verificationUri = "\(self.endpoints.baseURL(for: request))/devicelogin"
        return Self.json([
            ("user_code", .string(started.userCode)), ("device_code", .string(started.deviceCode)),
            ("verification_uri", .string(verificationUri)), ("expires_in", .number(Double(started.expiresIn))),
            ("interval", .number(Double(started.interval))),
            ("message", .string("To sign in, use a web browser to open the page \(verificationUri) and enter the code \(started.userCode) to authenticate.")),
        ])
    }

    private func answer(_ grant: AccessTokenGrant, issuer: String) async throws -> Response {
        let token = try await self.minter.token(for: grant, issuer: issuer)
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
        return Self.json(members)
    }

    /// An interactive grant's answer: the access token, and the ID token, refresh token and `client_info` msal keys
    /// its accounts by.
    private func answer(_ tokens: SignInTokens, issuer: String) async throws -> Response {
        let token = try await self.minter.mint(tokens.access, issuer: issuer)
        var members: [(String, JSONValue)] = [
            ("token_type", .string("Bearer")), ("scope", .string(tokens.scopes.joined(separator: " "))),
            ("expires_in", .number(Double(token.expiresIn))), ("ext_expires_in", .number(Double(token.expiresIn))),
            ("access_token", .string(token.accessToken)),
        ]
        if let refreshToken = tokens.refreshToken { members.append(("refresh_token", .string(refreshToken))) }
        if let idToken = tokens.idToken { members.append(("id_token", .string(try await self.minter.idToken(for: idToken, issuer: issuer)))) }
        members.append(("client_info", .string(TokenMinter.clientInfo(userId: tokens.access.objectId, tenantId: tokens.access.tenantId))))
        return Self.json(members)
    }

    private static func json(_ members: [(String, JSONValue)]) -> Response {
        var response = Response(status: .ok, body: .init(byteBuffer: .init(bytes: JSONValue.object(members).serialized())))
        response.headers[.contentType] = "application/json; charset=utf-8"
        response.headers[.cacheControl] = "no-store, no-cache"
        response.headers[.pragma] = "no-cache"
        return response
    }

    /// The client id and secret from the body (`client_secret_post`) or the Basic header (`client_secret_basic`).
    static func clientCredentials(_ request: Request, form: [String: String]) throws -> (String, String?) {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else {
                throw OAuthError(TokenRequestError(.invalidClient, aadsts: 7_000_215, "AADSTS7000215: The Basic authorization header is malformed."))
            }
            let id = FormBody.decode(String(text[..<colon]))
            let secret = FormBody.decode(String(text[text.index(after: colon)...]))
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

}

extension HTTPField.Name {
    static let pragma = HTTPField.Name("Pragma")!
}

import HTTPTypes
import NIOCore
