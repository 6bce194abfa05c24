import Foundation

extension SignInService {
    /// Starts a device flow (RFC 8628 §3.1) for a public client: a device code to poll with and a user code to type
    /// on the verification page.
    public func startDeviceFlow(clientId: String, scope: String?, address: SourceAddress) async throws -> DeviceAuthorization {
        guard let servicePrincipal = try await self.repositories.servicePrincipals.get(appId: clientId) else {
            throw TokenRequestError(
                .unauthorizedClient, aadsts: 700_016, "AADSTS700016: Application with identifier '\(clientId)' was not found in the directory '\(self.authority.tenantId)'.")
        }
        guard servicePrincipal.accountEnabled else {
            throw TokenRequestError(.unauthorizedClient, aadsts: 7_000_112, "AADSTS7000112: Application '\(clientId)' is disabled.")
        }
        // Like Entra: the device flow is for public clients (allowPublicClient / isFallbackPublicClient).
        guard let application = try await self.repositories.applications.get(appId: clientId),
            application.properties["isFallbackPublicClient"] == .bool(true)
        else {
            throw TokenRequestError(
                .unauthorizedClient, aadsts: 7_000_218,
                "AADSTS7000218: The device code flow needs a public client: set isFallbackPublicClient (Allow public client flows) on the application.")
        }
        let scopes = (scope ?? "").split(separator: " ").map(String.init)
        guard scopes.count <= 64, (scope ?? "").count <= 4_096 else { throw TokenRequestError(.invalidScope, aadsts: 70_011, "AADSTS70011: Too many scopes.") }
        _ = try self.authority.requestedGraphScopes(scope, servedAt: nil)
        try self.admitFlowStart(from: address)
        let deviceCode = SignInHandle.new()
        let userCode = SignInHandle.userCode()
        try await self.store(
            DeviceCodeGrant(clientId: clientId, clientDisplayName: servicePrincipal.displayName, scopes: scopes, status: .pending),
            handle: deviceCode, kind: .deviceCode, lookup: SignInHandle.storageId(of: userCode), lifetime: self.deviceCodeLifetime)
        return DeviceAuthorization(deviceCode: deviceCode, userCode: userCode, expiresIn: Int(self.deviceCodeLifetime), interval: self.deviceInterval)
    }

    /// The verification page's code: starts the sign-in page's flow for that device code.
    public func beginDevice(userCode: String, session: String?, browser: String, address: SourceAddress) async throws -> SignInStep {
        let typed = SignInHandle.normalizedUserCode(userCode)
        guard let grant = try await self.grants.get(lookup: SignInHandle.storageId(of: typed), kind: .deviceCode), grant.expiresAt > Date() else {
            throw SignInError.page(title: "That code didn't work", message: "The code you entered is unknown or has expired. Check the code and try again.")
        }
        let device: DeviceCodeGrant = try self.decode(grant)
        guard device.status == .pending else {
            throw SignInError.page(title: "That code was already used", message: "This code was already used. Start again on your device.")
        }
        let flow = try await self.startFlow(PendingSignIn(request: nil, deviceGrantId: grant.id, csrf: browser), address: address)
        if let (user, authTime) = try await self.sessionUser(session) {
            return try await self.afterSignIn(flow: flow, user: user, authTime: authTime, browser: browser)
        }
        return .signIn(flow: flow, clientName: device.clientDisplayName, loginHint: nil, error: nil, returnTo: nil)
    }

    /// The device's poll (`urn:ietf:params:oauth:grant-type:device_code`): pending, declined, expired, or the tokens
    /// (once: the device code is used up).
    public func pollDevice(deviceCode: String, clientId: String) async throws -> SignInTokens {
        let id = SignInHandle.storageId(of: deviceCode)
        guard deviceCode.count <= 128, let grant = try await self.grants.get(id: id, kind: .deviceCode) else {
            throw TokenRequestError(.badVerificationCode, aadsts: 70_019, "AADSTS70019: Verification code expired or unknown.")
        }
        guard grant.expiresAt > Date() else {
            throw TokenRequestError(.expiredToken, aadsts: 70_020, "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.")
        }
        let device: DeviceCodeGrant = try self.decode(grant)
        guard device.clientId == clientId else {
            throw TokenRequestError(.invalidGrant, aadsts: 70_000, "AADSTS70000: The device code was issued to another client.")
        }
        switch device.status {
        case .pending:
            throw TokenRequestError(.authorizationPending, aadsts: 70_016, "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
        case .declined:
            _ = try await self.grants.take(id: id, kind: .deviceCode)
            throw TokenRequestError(.authorizationDeclined, aadsts: 70_000, "AADSTS70000: The user declined the sign-in request.")
        case .approved:
            guard try await self.grants.take(id: id, kind: .deviceCode) != nil, let userId = device.userId else {
                throw TokenRequestError(.badVerificationCode, aadsts: 70_019, "AADSTS70019: Verification code expired or unknown.")
            }
            return try await self.tokens(userId: userId, clientId: clientId, scopes: device.scopes, nonce: nil, authTime: device.authTime ?? Date(), isPublicClient: true)
        }
    }

    func device(_ pending: PendingSignIn) async throws -> DeviceCodeGrant {
        guard let id = pending.deviceGrantId, let grant = try await self.grants.get(id: id, kind: .deviceCode), grant.expiresAt > Date() else {
            throw SignInError.page(title: "That code has expired", message: "The code has expired. Start again on your device.")
        }
        return try self.decode(grant)
    }

    func deviceClientId(_ pending: PendingSignIn) async throws -> String { try await self.device(pending).clientId }

    /// Records the person's answer on the device code, and ends the page's flow.
    func finishDevice(_ pending: PendingSignIn, flow: String, user: User, authTime: Date, approved: Bool) async throws -> SignInStep {
        guard let id = pending.deviceGrantId, var grant = try await self.grants.get(id: id, kind: .deviceCode) else {
            throw SignInError.page(title: "That code has expired", message: "The code has expired. Start again on your device.")
        }
        var device: DeviceCodeGrant = try self.decode(grant)
        guard device.status == .pending else {
            throw SignInError.page(title: "That code was already used", message: "This code was already used. Start again on your device.")
        }
        device.status = approved ? .approved : .declined
        device.userId = user.id
        device.authTime = authTime
        grant.document = String(decoding: try JSONEncoder.signIn.encode(device), as: UTF8.self)
        _ = try await self.grants.update(grant)
        try await self.grants.delete(id: SignInHandle.storageId(of: flow), kind: .pendingSignIn)
        return .deviceDone(clientName: device.clientDisplayName, approved: approved)
    }
}
