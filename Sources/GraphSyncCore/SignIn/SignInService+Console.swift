import Foundation

/// The console's sign-in in progress: the PKCE verifier, the browser it started in, and where to go after.
struct ConsoleSignInGrant: Sendable, Codable {
    var verifier: String
    var browser: String
    var redirectUri: String
    var returnTo: String
}

/// A signed-in console session: who, with which delegated scopes, and the token every form must carry.
struct ConsoleSessionGrant: Sendable, Codable {
    var userId: String
    var scopes: [String]
    var csrf: String
    var credentialStamp: String
    var authTime: Date
}

/// An enterprise app's Authorize in progress: which app, for which console session, and the callback it used.
struct AppAuthorizationGrant: Sendable, Codable {
    var servicePrincipalId: String
    var sessionId: String
    var redirectUri: String
}

/// A signed-in person in the console: the `Caller` their Graph token would be (same scopes, current roles).
public struct ConsoleSession: Sendable {
    public var caller: Caller
    /// The value every form of this session carries (CSRF).
    public var csrf: String
    public var user: User
}

extension SignInService {
    /// Starts the console's sign-in through the authority's own authorization code flow with PKCE: returns the
    /// `state` and the S256 `code_challenge` for `/authorize`.
    public func beginConsoleSignIn(browser: String, redirectUri: String, returnTo: String, address: SourceAddress) async throws -> (state: String, challenge: String) {
        try self.admitFlowStart(from: address)
        let state = SignInHandle.new()
        let verifier = SignInHandle.new()
        try await self.store(
            ConsoleSignInGrant(verifier: verifier, browser: browser, redirectUri: redirectUri, returnTo: returnTo),
            handle: state, kind: .consoleSignIn, lifetime: self.pageLifetime)
        return (state, SignInHandle.challenge(for: verifier))
    }

    /// The console's callback: redeems the code with the verifier (once, in the browser that started), and opens a new
    /// session — a new handle, never one the browser brought (no fixation).
    public func finishConsoleSignIn(state: String, browser: String, code: String) async throws -> (session: String, returnTo: String) {
        guard state.count <= 128, let stored = try await self.grants.take(id: SignInHandle.storageId(of: state), kind: .consoleSignIn),
            stored.expiresAt > Date()
        else { throw SignInError.page(title: "Sign in again", message: "This sign-in has expired or was already used. Sign in again.") }
        let grant: ConsoleSignInGrant = try self.decode(stored)
        guard grant.browser == browser else {
            throw SignInError.page(title: "Sign in again", message: "This sign-in was started in another browser. Sign in again.")
        }
        let tokens = try await self.redeem(
            code: code, clientId: WellKnown.consoleAppId, clientSecret: nil, redirectUri: grant.redirectUri, codeVerifier: grant.verifier)
        guard let user = try await self.repositories.users.get(id: tokens.access.objectId) else {
            throw SignInError.page(title: "Sign in again", message: "The account was deleted.")
        }
        let session = SignInHandle.new()
        try await self.store(
            ConsoleSessionGrant(userId: user.id, scopes: tokens.access.scopes, csrf: SignInHandle.new(), credentialStamp: user.credentialStamp, authTime: Date()),
            handle: session, kind: .consoleSession, lifetime: self.sessionLifetime)
        return (session, grant.returnTo)
    }

    /// The console session behind a cookie, while the user may still sign in; its caller has the user's roles as they
    /// are now.
    public func consoleSession(_ handle: String?) async throws -> ConsoleSession? {
        guard let handle, !handle.isEmpty, handle.count <= 128, let grant: ConsoleSessionGrant = try await self.load(handle, kind: .consoleSession),
            let user = try await self.repositories.users.get(id: grant.userId), user.accountEnabled, user.credentialStamp == grant.credentialStamp
        else { return nil }
        // The scopes of the sign-in, while they are still granted (a token would expire within the hour; a session
        // follows a revoked grant at once).
        guard let console = try await self.repositories.servicePrincipals.get(appId: WellKnown.consoleAppId), console.accountEnabled else { return nil }
        let granted = Set(try await self.authority.consentedGraphScopes(clientServicePrincipalId: console.id, userId: user.id))
        let caller = Caller(
            kind: .delegated, tenantId: self.authority.tenantId, objectId: user.id, clientAppId: WellKnown.consoleAppId,
            scopes: Set(grant.scopes).intersection(granted), roleTemplateIds: Set(try await self.authority.directoryRoles(of: user.id)))
        return ConsoleSession(caller: caller, csrf: grant.csrf, user: user)
    }

    public func endConsoleSession(_ handle: String?) async throws {
        guard let handle, !handle.isEmpty, handle.count <= 128 else { return }
        try await self.grants.delete(id: SignInHandle.storageId(of: handle), kind: .consoleSession)
    }

    /// The `state` for an enterprise app's Authorize button: bound to the console session and the app, single use,
    /// as long as a sign-in page.
    public func beginAppAuthorization(session: String, servicePrincipalId: String, redirectUri: String) async throws -> String {
        let state = SignInHandle.new()
        try await self.store(
            AppAuthorizationGrant(servicePrincipalId: servicePrincipalId, sessionId: SignInHandle.storageId(of: session), redirectUri: redirectUri),
            handle: state, kind: .appAuthorization, lifetime: self.pageLifetime)
        return state
    }

    /// The app's answer at the console's callback: which app the `state` was for, if this session started it.
    public func finishAppAuthorization(state: String, session: String) async throws -> (servicePrincipalId: String, redirectUri: String) {
        guard state.count <= 128, let stored = try await self.grants.take(id: SignInHandle.storageId(of: state), kind: .appAuthorization),
            stored.expiresAt > Date()
        else { throw SignInError.page(title: "Authorize again", message: "This authorization has expired or was already used. Click Authorize again.") }
        let grant: AppAuthorizationGrant = try self.decode(stored)
        guard grant.sessionId == SignInHandle.storageId(of: session) else {
            throw SignInError.page(title: "Authorize again", message: "This authorization was started in another session. Click Authorize again.")
        }
        return (grant.servicePrincipalId, grant.redirectUri)
    }
}
