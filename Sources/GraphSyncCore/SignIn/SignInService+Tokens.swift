import Foundation

extension SignInService {
    /// The `authorization_code` grant: redeems a code once, for the client and redirect URI it was issued to, with its
    /// PKCE verifier; a confidential client (web redirect URI) also authenticates.
    public func redeem(code: String, clientId: String, clientSecret: String?, redirectUri: String?, codeVerifier: String?) async throws -> SignInTokens {
        guard code.count <= 128, let stored = try await self.grants.take(id: SignInHandle.storageId(of: code), kind: .authorizationCode) else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_000, "AADSTS70000: The provided authorization code is not valid: it is unknown or was already redeemed.")
        }
        guard stored.expiresAt > Date() else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_008, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.")
        }
        let grant: AuthorizationCodeGrant = try self.decode(stored)
        let request = grant.request
        guard request.clientId == clientId else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_000, "AADSTS70000: The provided authorization code was issued to another client.")
        }
        guard redirectUri == request.redirectUri else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_000, "AADSTS70000: The redirect_uri does not match the one the authorization code was issued for.")
        }
        if let challenge = request.codeChallenge {
            guard let codeVerifier, SignInHandle.verifierMatches(codeVerifier, challenge: challenge) else {
                throw TokenRequestError(.invalidGrant, aadsts: 501_481, "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.")
            }
        }
        if !request.isPublicClient || clientSecret != nil {
            _ = try await self.authority.authenticateClient(clientId: clientId, clientSecret: clientSecret)
        }
        return try await self.tokens(userId: grant.userId, clientId: clientId, scopes: request.scopes, nonce: request.nonce,
                                     authTime: grant.authTime, isPublicClient: request.isPublicClient)
    }

    /// The `refresh_token` grant: the token is used up and a new one issued (rotation); a spent token presented again
    /// ends its family; a token whose user changed password, was disabled or deleted is refused.
    public func refresh(token: String, clientId: String, clientSecret: String?, scope: String?) async throws -> SignInTokens {
        let id = SignInHandle.storageId(of: token)
        guard token.count <= 128, let stored = try await self.grants.take(id: id, kind: .refreshToken) else {
            // A spent token presented again was stolen or leaked (OAuth 2.0 Security BCP §4.14): end its whole family.
            if token.count <= 128, let spent = try await self.grants.get(id: id, kind: .spentRefreshToken), let family = spent.lookup {
                try await self.grants.delete(lookup: family, kind: .refreshToken)
            }
            throw TokenRequestError(.invalidGrant, aadsts: 9_002_313, "AADSTS9002313: Invalid request. The refresh token is malformed, unknown or was already used.")
        }
        guard stored.expiresAt > Date() else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_008, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.")
        }
        let grant: RefreshTokenGrant = try self.decode(stored)
        try await self.grants.insert(StoredSignInGrant(id: id, kind: .spentRefreshToken, lookup: grant.familyId, expiresAt: stored.expiresAt, document: "{}"))
        guard grant.clientId == clientId else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_000, "AADSTS70000: The refresh token was issued to another client.")
        }
        if !grant.isPublicClient || clientSecret != nil {
            _ = try await self.authority.authenticateClient(clientId: clientId, clientSecret: clientSecret)
        }
        guard let user = try await self.repositories.users.get(id: grant.userId), user.accountEnabled, user.credentialStamp == grant.credentialStamp else {
            throw TokenRequestError(
                .invalidGrant, aadsts: 50_173,
                "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or the account was disabled or deleted.")
        }
        // The token may be spent on other scopes (Entra's refresh tokens are not bound to one): the access token
        // still carries only what was consented for this user and client.
        var scopes = grant.scopes
        if let scope, !scope.isEmpty {
            _ = try self.authority.requestedGraphScopes(scope, servedAt: nil)
            let asked = scope.split(separator: " ").map(String.init) + (grant.scopes.contains("offline_access") ? ["offline_access"] : [])
            scopes = asked.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }
        return try await self.tokens(
            userId: user.id, clientId: clientId, scopes: scopes, nonce: nil, authTime: grant.authTime, isPublicClient: grant.isPublicClient,
            family: grant.familyId)
    }

    /// An access token for Graph with the permissions consented for this user and client, an ID token and a refresh
    /// token when asked for.
    func tokens(
        userId: String, clientId: String, scopes: [String], nonce: String?, authTime: Date, isPublicClient: Bool, family: String? = nil
    ) async throws -> SignInTokens {
        guard let user = try await self.repositories.users.get(id: userId), user.accountEnabled else {
            throw TokenRequestError(.invalidGrant, aadsts: 50_057, "AADSTS50057: The user account is disabled or was deleted.")
        }
        // A sign-in from before the user's sessions were revoked gets nothing more: a flow parked on the consent page,
        // an unredeemed code or device code, and a refresh racing the revocation all end here.
        if let validFrom = user.signInSessionsValidFromDateTime, authTime < validFrom {
            throw TokenRequestError(
                .invalidGrant, aadsts: 50_173,
                "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password, or the account was disabled or deleted.")
        }
        guard let client = try await self.repositories.servicePrincipals.get(appId: clientId) else {
            throw TokenRequestError(.unauthorizedClient, aadsts: 700_016, "AADSTS700016: Application with identifier '\(clientId)' was not found in the directory.")
        }
        guard client.accountEnabled else { throw TokenRequestError(.unauthorizedClient, aadsts: 7_000_112, "AADSTS7000112: Application '\(clientId)' is disabled.") }
        let consented = try await self.authority.consentedGraphScopes(clientServicePrincipalId: client.id, userId: user.id)
        let requested = try self.authority.requestedGraphScopes(scopes.joined(separator: " "), servedAt: nil).filter { $0 != ".default" }
        let granted = requested.isEmpty ? consented : consented.filter { scope in requested.contains { $0.caseInsensitiveCompare(scope) == .orderedSame } }
        let access = AccessTokenGrant(
            kind: .delegated, tenantId: self.authority.tenantId, objectId: user.id, clientAppId: clientId, audience: self.authority.graphAudience,
            scopes: granted, roleTemplateIds: try await self.authority.directoryRoles(of: user.id), userName: user.displayName,
            userPrincipalName: user.userPrincipalName)
        let idToken = scopes.contains("openid")
            ? IDTokenGrant(
                tenantId: self.authority.tenantId, userId: user.id, clientId: clientId, nonce: nonce, name: user.displayName,
                preferredUsername: user.userPrincipalName, email: scopes.contains("email") ? user.mail : nil, authTime: authTime)
            : nil
        var refreshToken: String?
        if scopes.contains("offline_access") {
            let handle = SignInHandle.new()
            let family = family ?? SignInHandle.new(byteCount: 16)
            try await self.store(
                RefreshTokenGrant(familyId: family, userId: user.id, clientId: clientId, scopes: scopes, credentialStamp: user.credentialStamp,
                                  authTime: authTime, isPublicClient: isPublicClient),
                handle: handle, kind: .refreshToken, lookup: family, lifetime: self.refreshTokenLifetime)
            refreshToken = handle
        }
        let reported = granted.map { "\(self.authority.graphAudience)/\($0)" } + scopes.filter { ["openid", "profile", "email", "offline_access"].contains($0) }
        return SignInTokens(access: access, idToken: idToken, refreshToken: refreshToken, scopes: reported)
    }
}
