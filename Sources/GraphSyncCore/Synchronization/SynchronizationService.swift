import Foundation
import Logging

/// Synchronization credentials: saving secrets and acquiring OAuth tokens for an application (`acquireAccessToken`).
public struct SynchronizationService: Sendable {
    public let repositories: Repositories
    public let tokenEndpoint: any TokenEndpointClient
    /// Signs client assertions for apps set to workload identity federation; nil where no authority keys are at hand.
    public let assertions: (any ClientAssertionIssuer)?
    public let logger: Logger

    /// `AuthenticationType` for workload identity federation: the token requests carry a client assertion signed by
    /// GraphSync's authority (RFC 7523) instead of a client secret.
    public static let workloadIdentityFederation = "WorkloadIdentityFederation"

    public init(repositories: Repositories, tokenEndpoint: any TokenEndpointClient, assertions: (any ClientAssertionIssuer)? = nil, logger: Logger) {
        self.repositories = repositories
        self.tokenEndpoint = tokenEndpoint
        self.assertions = assertions
        self.logger = logger
    }

    var secrets: any SynchronizationSecretRepository { self.repositories.synchronizationSecrets }

    /// `PUT …/synchronization/secrets`: the saved secrets become exactly `pairs` (those with a value), in their order,
    /// plus the tokens `acquireAccessToken` issued while their destinations stay put (`SecretDestinations.replacing`).
    ///
    /// Graph replaces the set: Terraform's azuread provider sends every configured key on each write, waits until GET
    /// returns as many keys as it sent, and deletes by sending its keys with empty values (see `docs/fidelity.md`).
    /// A configured secret left out is removed, so none outlives a change of the destination it was saved for unless
    /// the caller supplies it again. `mayConfigureFederation`: whether the caller may manage the application, which
    /// setting up or moving workload identity federation needs (`SecretDestinations.bindFederation`).
    public func replaceSecrets(with pairs: [(SynchronizationSecretKey, String)], servicePrincipalId: String, mayConfigureFederation: Bool = false) async throws {
        try await self.repositories.transaction { tx in
            let saved = try await tx.synchronizationSecrets.secrets(of: servicePrincipalId)
            var result = SecretDestinations.replacing(saved, with: pairs)
            try SecretDestinations.bindFederation(saved, &result, mayConfigure: mayConfigureFederation)
            try await tx.synchronizationSecrets.replace(result, of: servicePrincipalId)
        }
    }

    /// Lays `changes` over the saved secrets (an empty value removes a key) in one transaction, with the destination
    /// rules of `SecretDestinations.overlay`: a secret saved for an address never follows a new one unless supplied
    /// again, and issued tokens stay only while their addresses do. `check` sees the result before it is written.
    /// (The console's forms: a field left empty keeps what is saved, and a refresh running meanwhile is not undone.)
    @discardableResult
    public func overlaySecrets(
        _ changes: [(SynchronizationSecretKey, String)], servicePrincipalId: String, mayConfigureFederation: Bool = false,
        check: @escaping @Sendable (SynchronizationSecrets) throws -> Void = { _ in }
    ) async throws -> SynchronizationSecrets {
        try await self.repositories.transaction { tx in
            let saved = try await tx.synchronizationSecrets.secrets(of: servicePrincipalId)
            var result = try SecretDestinations.overlay(saved, with: changes)
            try SecretDestinations.bindFederation(saved, &result, mayConfigure: mayConfigureFederation)
            try check(result)
            try await tx.synchronizationSecrets.replace(result, of: servicePrincipalId)
            return result
        }
    }

    /// Exchanges the credentials with the application's token endpoint and keeps the tokens.
    ///
    /// The request's credentials are laid over the saved secrets; then, in order of preference: the authorization
    /// code grant (with `Oauth2AuthorizationCode`), the client credentials grant (client id and secret), or the
    /// refresh token grant (a saved refresh token). Nothing is stored unless the exchange succeeds, and the single-use
    /// code is never stored.
    public func acquireAccessToken(
        _ credentials: [(SynchronizationSecretKey, String)], servicePrincipalId: String, mayConfigureFederation: Bool = false, now: Date = Date()
    ) async throws -> SynchronizationSecrets {
        let saved = try await self.secrets.secrets(of: servicePrincipalId)
        var inputs = try SecretDestinations.overlay(saved, with: credentials)
        try SecretDestinations.bindFederation(saved, &inputs, mayConfigure: mayConfigureFederation)
        let request = try await self.signed(try Self.tokenRequest(from: inputs), servicePrincipalId: servicePrincipalId)
        let response = try await self.exchange(
            request, redacting: [inputs[.oauth2AuthorizationCode], inputs[.oauth2ClientSecret], request.clientAssertion])

        // Stored over the secrets as they are now (the exchange took a while), in one transaction.
        inputs = try await self.repositories.transaction { tx in
            let current = try await tx.synchronizationSecrets.secrets(of: servicePrincipalId)
            var stored = try SecretDestinations.overlay(current, with: credentials)
            try SecretDestinations.bindFederation(current, &stored, mayConfigure: mayConfigureFederation)
            stored[.oauth2AuthorizationCode] = nil
            Self.keep(response, in: &stored, now: now)
            try await tx.synchronizationSecrets.replace(stored, of: servicePrincipalId)
            return stored
        }
        self.logger.info(
            "acquired access token", metadata: ["servicePrincipal": "\(servicePrincipalId)", "grant": "\(request.grant.name)",
                                                "rotatedRefreshToken": "\(response.refreshToken != nil)"])
        return inputs
    }

    /// The bearer token to call the app with: the OAuth access token (renewed when it expires within `margin` — with
    /// the refresh-token grant when a refresh token is saved, else the client credentials grant — and the new tokens
    /// stored), the static `SecretToken`, or, for client credentials saved without a token yet, a new one.
    public func bearerToken(servicePrincipalId: String, margin: TimeInterval = 300, now: Date = Date()) async throws -> String {
        let secrets = try await self.secrets.secrets(of: servicePrincipalId)
        if let accessToken = secrets[.oauth2AccessToken] {
            let expiry = secrets[.tokenExpiration].flatMap { try? Date($0, strategy: .iso8601) }
            guard let expiry, expiry.timeIntervalSince(now) < margin else { return accessToken }
            guard let request = Self.renewal(from: secrets) else {
                throw SynchronizationError.missingCredentials("The access token expires at \(Self.timestamp(expiry)) and no refresh token, token URL and client id are saved to renew it; authorize the app again.")
            }
            return try await self.renew(request, secrets: secrets, servicePrincipalId: servicePrincipalId, now: now)
        }
        if let token = secrets[.secretToken] { return token }
        guard let request = Self.renewal(from: secrets), case .clientCredentials = request.grant else {
            throw SynchronizationError.missingCredentials("Neither an OAuth access token (acquireAccessToken) nor a SecretToken is saved for this application.")
        }
        return try await self.renew(request, secrets: secrets, servicePrincipalId: servicePrincipalId, now: now)
    }

    /// The request that renews a token from saved secrets: the refresh-token grant when a refresh token is saved, else
    /// the client credentials grant (workload identity federation, or a client secret saved for client credentials,
    /// not for an authorization code grant, which only Authorize renews); nil when neither can be made.
    static func renewal(from secrets: SynchronizationSecrets) -> TokenEndpointRequest? {
        guard let tokenURL = secrets[.oauth2TokenExchangeUri], let clientId = secrets[.oauth2ClientId] else { return nil }
        let federated = Self.isFederated(secrets)
        let codeGrant = secrets[.oauth2AuthorizationUri] != nil || secrets[.oauth2RedirectUri] != nil
        let grant: TokenEndpointRequest.Grant
        if let refreshToken = secrets[.oauth2RefreshToken] {
            grant = .refreshToken(refreshToken)
        } else if federated || (secrets[.oauth2ClientSecret] != nil && !codeGrant) {
            grant = .clientCredentials(scope: nil)
        } else {
            return nil
        }
        return TokenEndpointRequest(
            tokenURL: tokenURL, grant: grant, clientId: clientId, clientSecret: federated ? nil : secrets[.oauth2ClientSecret],
            authentication: federated ? .assertion : .post)
    }

    /// Sends a renewal and keeps the tokens: only the token fields change, over the secrets as they are now; if the
    /// app's addresses were changed while the request ran, the new tokens belong to the old ones and are not kept.
    private func renew(_ request: TokenEndpointRequest, secrets: SynchronizationSecrets, servicePrincipalId: String, now: Date) async throws -> String {
        let response = try await self.signedExchange(request, servicePrincipalId: servicePrincipalId)
        let kept = try await self.repositories.transaction { tx in
            var current = try await tx.synchronizationSecrets.secrets(of: servicePrincipalId)
            guard current[.baseAddress] == secrets[.baseAddress], current[.oauth2TokenExchangeUri] == request.tokenURL,
                current[.oauth2ClientId] == request.clientId, Self.isFederated(current) == Self.isFederated(secrets)
            else { return false }
            Self.keep(response, in: &current, now: now)
            try await tx.synchronizationSecrets.replace(current, of: servicePrincipalId)
            return true
        }
        self.logger.info("renewed access token", metadata: ["servicePrincipal": "\(servicePrincipalId)", "grant": "\(request.grant.name)", "stored": "\(kept)"])
        return response.accessToken
    }

    /// A token from `request` that is not kept (Test Connection with credentials that are not saved).
    func exchange(_ request: TokenEndpointRequest, servicePrincipalId: String) async throws -> String {
        try await self.signedExchange(request, servicePrincipalId: servicePrincipalId).accessToken
    }

    /// Sends `request`, with its client assertion when it authenticates with one; the credentials it carries (secret,
    /// assertion, refresh token) are redacted from any error text.
    private func signedExchange(_ request: TokenEndpointRequest, servicePrincipalId: String) async throws -> TokenEndpointResponse {
        let request = try await self.signed(request, servicePrincipalId: servicePrincipalId)
        var redacted = [request.clientSecret, request.clientAssertion]
        if case .refreshToken(let token) = request.grant { redacted.append(token) }
        return try await self.exchange(request, redacting: redacted)
    }

    public static func isFederated(_ secrets: SynchronizationSecrets) -> Bool {
        secrets[.authenticationType]?.caseInsensitiveCompare(Self.workloadIdentityFederation) == .orderedSame
    }

    /// The request with its client assertion, when it authenticates with one.
    func signed(_ request: TokenEndpointRequest, servicePrincipalId: String) async throws -> TokenEndpointRequest {
        guard request.authentication == .assertion else { return request }
        guard let assertions = self.assertions else {
            throw SynchronizationError.missingCredentials("Workload identity federation needs GraphSync's authority to sign the client assertion, which is not available here.")
        }
        var signed = request
        signed.clientAssertion = try await assertions.assertion(servicePrincipalId: servicePrincipalId)
        return signed
    }

    /// Writes a token response into the secrets (a refresh token only when the app rotated it).
    static func keep(_ response: TokenEndpointResponse, in secrets: inout SynchronizationSecrets, now: Date) {
        secrets[.oauth2AccessToken] = response.accessToken
        if let refreshToken = response.refreshToken { secrets[.oauth2RefreshToken] = refreshToken }
        secrets[.oauth2AccessTokenCreationTime] = Self.timestamp(now)
        secrets[.tokenExpiration] = response.expiresIn.map { Self.timestamp(now.addingTimeInterval(TimeInterval($0))) }
    }

    /// The token request these secrets call for, or which inputs are missing.
    static func tokenRequest(from secrets: SynchronizationSecrets) throws -> TokenEndpointRequest {
        let clientId = secrets[.oauth2ClientId]
        let clientSecret = secrets[.oauth2ClientSecret]
        let grant: TokenEndpointRequest.Grant
        var missing: [SynchronizationSecretKey] = []
        if let code = secrets[.oauth2AuthorizationCode] {
            grant = .authorizationCode(code: code, redirectURI: secrets[.oauth2RedirectUri], codeVerifier: nil)
            if secrets[.oauth2RedirectUri] == nil { missing.append(.oauth2RedirectUri) }
        } else if clientId != nil, clientSecret != nil || Self.isFederated(secrets) {
            grant = .clientCredentials(scope: nil)
        } else if let refreshToken = secrets[.oauth2RefreshToken] {
            grant = .refreshToken(refreshToken)
        } else {
            throw SynchronizationError.missingCredentials(
                "No grant can be made from these credentials: provide Oauth2AuthorizationCode and Oauth2RedirectUri (authorization code grant), Oauth2ClientId with Oauth2ClientSecret or AuthenticationType WorkloadIdentityFederation (client credentials grant), or save an Oauth2RefreshToken first; each needs Oauth2TokenExchangeUri and Oauth2ClientId.")
        }
        if secrets[.oauth2TokenExchangeUri] == nil { missing.insert(.oauth2TokenExchangeUri, at: 0) }
        if clientId == nil { missing.append(.oauth2ClientId) }
        guard missing.isEmpty, let tokenURL = secrets[.oauth2TokenExchangeUri], let clientId else {
            throw SynchronizationError.missingCredentials(
                "The \(grant.name) grant needs credentials that are neither in the request nor saved: \(missing.map(\.rawValue).joined(separator: ", ")).")
        }
        let federated = Self.isFederated(secrets)
        return TokenEndpointRequest(
            tokenURL: tokenURL, grant: grant, clientId: clientId, clientSecret: federated ? nil : clientSecret, authentication: federated ? .assertion : .post)
    }

    /// Sends the request with `client_secret_post`, retrying once with HTTP Basic when the app answers `invalid_client`.
    private func exchange(_ request: TokenEndpointRequest, redacting secrets: [String?]) async throws -> TokenEndpointResponse {
        do {
            return try await self.send(request)
        } catch TokenEndpointError.oauth(_, "invalid_client", _) where request.clientSecret != nil {
            var basic = request
            basic.authentication = .basic
            do {
                return try await self.send(basic)
            } catch {
                throw Self.domainError(error, redacting: secrets)
            }
        } catch {
            throw Self.domainError(error, redacting: secrets)
        }
    }

    private func send(_ request: TokenEndpointRequest) async throws(TokenEndpointError) -> TokenEndpointResponse {
        try await self.tokenEndpoint.requestToken(request)
    }

    static func domainError(_ error: TokenEndpointError, redacting secrets: [String?]) -> SynchronizationError {
        switch error {
        case .destinationRefused(let message): .destinationRefused(message)
        case .oauth(_, let code, let description): .exchangeRefused(error: code, description: description.map { redact($0, secrets) })
        case .badGateway(let message): .badGateway(redact(message, secrets))
        case .timeout(let seconds): .gatewayTimeout("The application's token endpoint did not answer within \(seconds) s.")
        }
    }

    /// Removes secret values an app may echo back in its error text.
    static func redact(_ text: String, _ secrets: [String?]) -> String {
        // Replaced before the text is cut, so that no part of a secret survives at the cut.
        String(secrets.compactMap { $0 }.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }.prefix(500))
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    }
}
