import Foundation

/// The built-in authority's interactive flows: the authorization code flow with PKCE behind a sign-in and consent
/// page, refresh tokens, the device code flow, and browser sessions. Everything a flow keeps between requests is in
/// the database (hashed handles), so any node of a cluster can continue it.
public struct SignInService: Sendable {
    public let authority: AuthorityService
    /// How long a sign-in page, a code, a device code, a session and a refresh token last.
    public var pageLifetime: TimeInterval = 900
    public var codeLifetime: TimeInterval = 600
    public var deviceCodeLifetime: TimeInterval = 900
    public var deviceInterval = 5
    public var sessionLifetime: TimeInterval = 12 * 3600
    public var refreshTokenLifetime: TimeInterval = 90 * 86400
    /// Flows anyone may start without signing in (sign-in pages, device codes, the console's sign-in) each store a row:
    /// limited per source address and per node, so a flood cannot fill the database nor shut others out.
    public var flowStarts = FlowStartLimit()

    public init(authority: AuthorityService) { self.authority = authority }

    var grants: any SignInGrantRepository { self.authority.repositories.signInGrants }
    public var repositories: Repositories { self.authority.repositories }

    // MARK: The authorization request

    /// Checks an `/authorize` request. Problems with the client or its redirect URI are shown on a page; the rest go
    /// back to the redirect URI.
    public func check(_ parameters: [String: String]) async throws -> AuthorizationRequest {
        guard let clientId = parameters["client_id"], !clientId.isEmpty else {
            throw SignInError.page(title: "Sign-in request is incomplete", message: "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
        }
        guard let application = try await self.repositories.applications.get(appId: clientId),
            let servicePrincipal = try await self.repositories.servicePrincipals.get(appId: clientId)
        else {
            throw SignInError.page(
                title: "Application not found",
                message: "AADSTS700016: Application with identifier '\(clientId)' was not found in the directory '\(self.authority.tenantId)'.")
        }
        let registered = RegisteredRedirectURIs(application)
        guard let redirectUri = parameters["redirect_uri"], !redirectUri.isEmpty else {
            throw SignInError.page(title: "Sign-in request is incomplete", message: "AADSTS900144: The request body must contain the following parameter: 'redirect_uri'.")
        }
        let (matched, isPublic) = registered.match(redirectUri)
        guard matched else {
            throw SignInError.page(
                title: "The reply URL does not match",
                message: "AADSTS50011: The redirect URI '\(redirectUri)' specified in the request does not match the redirect URIs configured for the application '\(clientId)'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.")
        }
        let responseMode: AuthorizationRequest.ResponseMode = parameters["response_mode"] == "form_post" ? .formPost : .query
        var request = AuthorizationRequest(
            clientId: clientId, clientDisplayName: servicePrincipal.displayName, redirectUri: redirectUri,
            scopes: (parameters["scope"] ?? "").split(separator: " ").map(String.init), state: parameters["state"], nonce: parameters["nonce"],
            codeChallenge: parameters["code_challenge"], responseMode: responseMode, prompt: parameters["prompt"], loginHint: parameters["login_hint"],
            isPublicClient: isPublic)
        func refuse(_ error: String, _ description: String) -> SignInError { .redirect(request, error: error, description: description) }
        if let mode = parameters["response_mode"], !["query", "form_post"].contains(mode) {
            request.responseMode = .query
            throw refuse("invalid_request", "AADSTS900144: response_mode '\(mode)' is not supported; use query or form_post.")
        }
        guard parameters["response_type"] == "code" else {
            throw refuse("unsupported_response_type", "AADSTS700054: response_type '\(parameters["response_type"] ?? "")' is not enabled for the application; use code.")
        }
        guard servicePrincipal.accountEnabled else { throw refuse("unauthorized_client", "AADSTS7000112: Application '\(clientId)' is disabled.") }
        if let challenge = request.codeChallenge {
            guard parameters["code_challenge_method"] == "S256" else {
                throw refuse("invalid_request", "AADSTS501491: code_challenge_method must be S256.")
            }
            guard (43...128).contains(challenge.count) else { throw refuse("invalid_request", "AADSTS501481: The code_challenge is malformed.") }
        } else if isPublic {
            throw refuse("invalid_request", "AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.")
        }
        if let prompt = request.prompt, !["login", "none", "consent", "select_account", "create"].contains(prompt) {
            throw refuse("invalid_request", "AADSTS90023: Invalid prompt value '\(prompt)'.")
        }
        do {
            _ = try self.authority.requestedGraphScopes(parameters["scope"], servedAt: nil)
        } catch let failure as TokenRequestError {
            throw refuse("invalid_scope", failure.description)
        }
        guard (request.state?.count ?? 0) <= 2_048, (request.nonce?.count ?? 0) <= 512, request.scopes.count <= 64,
            (parameters["scope"]?.count ?? 0) <= 4_096, (request.loginHint?.count ?? 0) <= 256
        else {
            throw refuse("invalid_request", "AADSTS90015: A state, nonce or scope value is too long.")
        }
        return request
    }

    /// The step after a checked request: straight back to the app when the browser's session already has a signed-in
    /// user who consented, the sign-in page otherwise (`browser` binds the page's form to this browser; `address` is
    /// where the request came from).
    public func begin(_ request: AuthorizationRequest, session: String?, browser: String, address: SourceAddress) async throws -> SignInStep {
        let signedIn = request.prompt == "login" || request.prompt == "select_account" ? nil : try await self.sessionUser(session)
        if request.prompt == "none", signedIn == nil {
            throw SignInError.redirect(request, error: "login_required", description: "AADSTS50058: A silent sign-in request was sent but no user is signed in.")
        }
        let flow = try await self.startFlow(PendingSignIn(request: request, csrf: browser), address: address)
        guard let (user, authTime) = signedIn else {
            return .signIn(flow: flow, clientName: request.clientDisplayName, loginHint: request.loginHint, error: nil, returnTo: request.redirectUri)
        }
        return try await self.afterSignIn(flow: flow, user: user, authTime: authTime, browser: browser)
    }

    /// The sign-in page's answer. Returns the next step and, when the password was right, a new session handle for the
    /// browser's cookie.
    public func signIn(flow: String, browser: String, username: String, password: String, address: SourceAddress) async throws -> (SignInStep, session: String?) {
        let pending = try await self.pending(flow, browser: browser)
        let user: User
        do {
            user = try await self.authority.verifyPassword(address: address, username: username, password: password)
        } catch let failure as TokenRequestError {
            let words = failure.aadsts == 50_126 ? "Your account or password is incorrect." : failure.description
            return (.signIn(flow: flow, clientName: try await self.clientName(pending), loginHint: username, error: words,
                            returnTo: pending.request?.redirectUri), nil)
        }
        let now = Date()
        let session = SignInHandle.new()
        try await self.store(BrowserSession(userId: user.id, credentialStamp: user.credentialStamp, authTime: now),
                             handle: session, kind: .browserSession, lifetime: self.sessionLifetime)
        return (try await self.afterSignIn(flow: flow, user: user, authTime: now, browser: browser), session)
    }

    /// The consent page's answer: `accept` grants the listed permissions (for the organization when the page offered
    /// that), then the flow goes on. Cancel declines, whether or not there was anything to consent to (the page also
    /// confirms every device code and `prompt=consent`): the app gets `access_denied`, the device's poll
    /// `authorization_declined`, and the page's flow ends.
    public func consent(flow: String, browser: String, accept: Bool) async throws -> SignInStep {
        let pending = try await self.pending(flow, browser: browser)
        guard let userId = pending.userId, let authTime = pending.authTime,
            let user = try await self.repositories.users.get(id: userId), user.accountEnabled
        else { throw SignInError.page(title: "Sign in again", message: "This sign-in page has expired. Start again from the application.") }
        guard accept else {
            guard let request = pending.request else {
                return try await self.finishDevice(pending, flow: flow, user: user, authTime: authTime, approved: false)
            }
            try await self.grants.delete(id: SignInHandle.storageId(of: flow), kind: .pendingSignIn)
            throw SignInError.redirect(request, error: "access_denied", description: "AADSTS65004: User declined to consent to access the app.")
        }
        let missing = try await self.missingScopes(pending, user: user)
        if !missing.isEmpty {
            guard try await self.mayConsentForOrganization(user) else {
                throw SignInError.page(title: "Need admin approval", message: "AADSTS90094: \(try await self.clientName(pending)) needs permission to access resources in your organization that only an admin can grant. Ask an admin to grant permission to this app before you can use it.")
            }
            let graph = try await self.authority.directory.graphServicePrincipal()
            let clientId: String
            if let request = pending.request { clientId = request.clientId } else { clientId = try await self.deviceClientId(pending) }
            guard let client = try await self.repositories.servicePrincipals.get(appId: clientId) else {
                throw SignInError.page(title: "Application not found", message: "The application was deleted.")
            }
            _ = try await self.authority.directory.grantDelegatedScopes(clientId: client.id, resourceId: graph.id, scopes: missing.map(\.value))
        }
        return try await self.deliver(pending, flow: flow, user: user, authTime: authTime)
    }

    // MARK: Sessions

    /// The browser session's user and sign-in time, while the session and the user's credentials are as they were.
    public func sessionUser(_ handle: String?) async throws -> (User, Date)? {
        guard let handle, !handle.isEmpty, handle.count <= 128,
            let session: BrowserSession = try await self.load(handle, kind: .browserSession),
            let user = try await self.repositories.users.get(id: session.userId), user.accountEnabled,
            user.credentialStamp == session.credentialStamp
        else { return nil }
        return (user, session.authTime)
    }

    /// Whether `uri` is exactly one of the client's registered redirect URIs (where logout may return to).
    public func isRegisteredRedirect(clientId: String, uri: String) async throws -> Bool {
        guard let application = try await self.repositories.applications.get(appId: clientId) else { return false }
        let registered = RegisteredRedirectURIs(application)
        return (registered.web + registered.publicClient + registered.spa).contains(uri)
    }

    /// Ends a browser session (logout).
    public func signOut(session: String?) async throws {
        guard let session, !session.isEmpty, session.count <= 128 else { return }
        try await self.grants.delete(id: SignInHandle.storageId(of: session), kind: .browserSession)
    }

    // MARK: Steps

    func afterSignIn(flow: String, user: User, authTime: Date, browser: String) async throws -> SignInStep {
        var pending = try await self.pending(flow, browser: browser)
        pending.userId = user.id
        pending.authTime = authTime
        _ = try await self.grants.update(try self.encode(pending, id: SignInHandle.storageId(of: flow), kind: .pendingSignIn, lifetime: self.pageLifetime))
        let missing = try await self.missingScopes(pending, user: user)
        // A device code is always confirmed on a page (against device-code phishing), even with consent given.
        if !missing.isEmpty || pending.request?.prompt == "consent" || pending.request == nil {
            if pending.request?.prompt == "none", let request = pending.request {
                throw SignInError.redirect(request, error: "consent_required", description: "AADSTS65001: The user or administrator has not consented to use the application.")
            }
            guard try await self.mayConsentForOrganization(user) || missing.isEmpty else {
                throw SignInError.page(title: "Need admin approval", message: "AADSTS90094: \(try await self.clientName(pending)) needs permission to access resources in your organization that only an admin can grant. Ask an admin to grant permission to this app before you can use it.")
            }
            return .consent(flow: flow, clientName: try await self.clientName(pending), scopes: missing, organizationWide: !missing.isEmpty,
                            returnTo: pending.request?.redirectUri)
        }
        return try await self.deliver(pending, flow: flow, user: user, authTime: authTime)
    }

    /// Issues the code (or approves the device code) and ends the page's flow.
    func deliver(_ pending: PendingSignIn, flow: String, user: User, authTime: Date) async throws -> SignInStep {
        guard let request = pending.request else { return try await self.finishDevice(pending, flow: flow, user: user, authTime: authTime, approved: true) }
        guard try await self.grants.take(id: SignInHandle.storageId(of: flow), kind: .pendingSignIn) != nil else {
            throw SignInError.page(title: "Sign in again", message: "This sign-in page was already used. Start again from the application.")
        }
        let code = SignInHandle.new()
        try await self.store(AuthorizationCodeGrant(request: request, userId: user.id, authTime: authTime), handle: code, kind: .authorizationCode, lifetime: self.codeLifetime)
        return .deliver(request, code: code)
    }

    /// The Graph permissions the flow asks for that the user (or everyone) has not been granted.
    func missingScopes(_ pending: PendingSignIn, user: User) async throws -> [PermissionScope] {
        let requested: [String]
        let clientId: String
        if let request = pending.request {
            requested = try self.authority.requestedGraphScopes(request.scopes.joined(separator: " "), servedAt: nil)
            clientId = request.clientId
        } else {
            let device: DeviceCodeGrant = try await self.device(pending)
            requested = try self.authority.requestedGraphScopes(device.scopes.joined(separator: " "), servedAt: nil)
            clientId = device.clientId
        }
        let wanted = requested.filter { $0 != ".default" }
        guard !wanted.isEmpty, let client = try await self.repositories.servicePrincipals.get(appId: clientId) else { return [] }
        let consented = try await self.authority.consentedGraphScopes(clientServicePrincipalId: client.id, userId: user.id)
        let graph = try await self.authority.directory.graphServicePrincipal()
        return wanted.filter { scope in !consented.contains { $0.caseInsensitiveCompare(scope) == .orderedSame } }.compactMap { scope in
            graph.oauth2PermissionScopes.first { $0.value.caseInsensitiveCompare(scope) == .orderedSame }
        }
    }

    /// Administrators who may grant tenant-wide consent (Entra's Global, Privileged Role, Cloud Application and
    /// Application Administrators).
    func mayConsentForOrganization(_ user: User) async throws -> Bool {
        let roles = Set(try await self.authority.directoryRoles(of: user.id).map { $0.lowercased() })
        return !roles.isDisjoint(with: [
            DirectoryRoleTemplate.globalAdministrator.id, DirectoryRoleTemplate.privilegedRoleAdministrator.id,
            DirectoryRoleTemplate.cloudApplicationAdministrator.id, DirectoryRoleTemplate.applicationAdministrator.id,
        ])
    }

    func clientName(_ pending: PendingSignIn) async throws -> String {
        if let request = pending.request { return request.clientDisplayName }
        return (try await self.device(pending)).clientDisplayName
    }

    // MARK: Storage

    /// Counts one unauthenticated flow start from `address` against `flowStarts`.
    func admitFlowStart(from address: SourceAddress) throws {
        if let wait = self.flowStarts.admit(address) {
            throw TokenRequestError(
                .invalidRequest, aadsts: 50_196, "AADSTS50196: Too many sign-in requests; try again in \(Int(wait.rounded(.up))) seconds.", httpStatus: 429,
                retryAfter: wait)
        }
    }

    func startFlow(_ pending: PendingSignIn, address: SourceAddress) async throws -> String {
        try self.admitFlowStart(from: address)
        // Now and then, the flows that ended without an answer (pages left open, codes never redeemed) are swept.
        if Int.random(in: 0..<32) == 0 { try await self.grants.deleteExpired(before: Date()) }
        let flow = SignInHandle.new()
        try await self.store(pending, handle: flow, kind: .pendingSignIn, lifetime: self.pageLifetime)
        return flow
    }

    /// The page's flow, when this browser started it.
    func pending(_ flow: String, browser: String) async throws -> PendingSignIn {
        guard flow.count <= 128, let pending: PendingSignIn = try await self.load(flow, kind: .pendingSignIn), !browser.isEmpty,
            SignInHandle.constantTimeEquals(pending.csrf, browser)
        else {
            throw SignInError.page(title: "Sign in again", message: "This sign-in page has expired or was opened in another browser. Start again from the application.")
        }
        return pending
    }

    func store<T: Encodable>(_ value: T, handle: String, kind: SignInGrantKind, lookup: String? = nil, lifetime: TimeInterval) async throws {
        var grant = try self.encode(value, id: SignInHandle.storageId(of: handle), kind: kind, lifetime: lifetime)
        grant.lookup = lookup
        try await self.grants.insert(grant)
    }

    func encode<T: Encodable>(_ value: T, id: String, kind: SignInGrantKind, lifetime: TimeInterval) throws -> StoredSignInGrant {
        StoredSignInGrant(id: id, kind: kind, expiresAt: Date().addingTimeInterval(lifetime), document: String(decoding: try JSONEncoder.signIn.encode(value), as: UTF8.self))
    }

    func load<T: Decodable>(_ handle: String, kind: SignInGrantKind) async throws -> T? {
        guard let grant = try await self.grants.get(id: SignInHandle.storageId(of: handle), kind: kind), grant.expiresAt > Date() else { return nil }
        return try JSONDecoder.signIn.decode(T.self, from: Data(grant.document.utf8))
    }

    func decode<T: Decodable>(_ grant: StoredSignInGrant) throws -> T {
        try JSONDecoder.signIn.decode(T.self, from: Data(grant.document.utf8))
    }
}

extension JSONEncoder {
    static let signIn: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()
}

extension JSONDecoder {
    static let signIn: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}
