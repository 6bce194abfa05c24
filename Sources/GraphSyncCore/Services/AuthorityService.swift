import Foundation
import Synchronization

/// The built-in authority's decisions: who a client or user is, and which Graph permissions a token carries.
///
/// Signing is done elsewhere (GraphSyncAuthority); this type only decides what to sign.
public struct AuthorityService: Sendable {
    public let directory: DirectoryService
    /// Identifiers a client may use for Microsoft Graph in `scope` (the cloud's Graph URL and the Graph appId).
    public let graphResourceIdentifiers: [String]
    /// The audience put in tokens (the cloud's Graph URL).
    public let graphAudience: String
    /// Smart lockout and per-client throttling of the password grant.
    public let throttle: SignInThrottle
    private let catalog = GraphRoleCatalog()

    public init(directory: DirectoryService, graphAudience: String, throttle: SignInThrottle = SignInThrottle()) {
        self.directory = directory
        self.graphAudience = graphAudience
        self.throttle = throttle
        self.graphResourceIdentifiers = [graphAudience, WellKnown.graphAppId]
    }

    var repositories: Repositories { self.directory.repositories }
    var tenantId: String { self.directory.tenant.id }

    /// The identifiers of Graph a scope may name: the cloud's Graph URL, Graph's appId, and GraphSync's own address
    /// (`servedAt`), which clients pointed at GraphSync as a custom cloud use (Terraform's `metadata_host`).
    func resourceIdentifiers(servedAt: String?) -> [String] {
        guard let servedAt, !servedAt.isEmpty else { return self.graphResourceIdentifiers }
        var base = servedAt
        while base.hasSuffix("/") { base.removeLast() }
        return self.graphResourceIdentifiers + [base]
    }

    /// The client credentials grant (RFC 6749 §4.4): an app-only token carrying the client's granted app roles.
    public func clientCredentials(clientId: String, clientSecret: String?, scope: String?, servedAt: String? = nil) async throws -> AccessTokenGrant {
        let scopes = (scope ?? "").split(separator: " ").map(String.init)
        guard scopes.count == 1, let resource = self.resource(ofDefaultScope: scopes[0]) else {
            throw TokenRequestError(
                .invalidScope, aadsts: 1_002_012,
                "AADSTS1002012: The provided value for scope \(scope ?? "") is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
        }
        var named = resource
        while named.hasSuffix("/") { named.removeLast() }
        guard self.resourceIdentifiers(servedAt: servedAt).contains(where: { $0.caseInsensitiveCompare(named) == .orderedSame }) else {
            throw TokenRequestError(
                .invalidResource, aadsts: 500_011,
                "AADSTS500011: The resource principal named \(resource) was not found in the tenant named \(self.tenantId).")
        }
        let client = try await self.authenticateClient(clientId: clientId, clientSecret: clientSecret)
        return AccessTokenGrant(
            kind: .application, tenantId: self.tenantId, objectId: client.id, clientAppId: client.appId, audience: self.graphAudience,
            roles: try await self.graphRoles(of: client.id), roleTemplateIds: try await self.directoryRoles(of: client.id))
    }

    /// The resource owner password grant: a delegated token for a directory user with the consented Graph scopes;
    /// `address` is where the request came from (for smart lockout).
    public func password(
        clientId: String, clientSecret: String?, username: String, password: String, scope: String?, address: SourceAddress, servedAt: String? = nil
    ) async throws -> AccessTokenGrant {
        let client = try await self.authenticateClient(clientId: clientId, clientSecret: clientSecret)
        let user = try await self.verifyPassword(address: address, username: username, password: password)
        let consented = try await self.consentedGraphScopes(clientServicePrincipalId: client.id, userId: user.id)
        let requested = try self.requestedGraphScopes(scope, servedAt: servedAt)
        let granted: [String]
        if requested.isEmpty || requested == [".default"] {
            granted = consented
        } else {
            let missing = requested.filter { scope in !consented.contains { $0.caseInsensitiveCompare(scope) == .orderedSame } }
            guard missing.isEmpty else {
                throw TokenRequestError(
                    .invalidGrant, aadsts: 65_001,
                    "AADSTS65001: The user or administrator has not consented to use the application with ID '\(client.appId)' named '\(client.displayName)'. Send an interactive authorization request for this user and resource. Missing scopes: \(missing.joined(separator: " ")).")
            }
            granted = consented.filter { scope in requested.contains { $0.caseInsensitiveCompare(scope) == .orderedSame } }
        }
        return AccessTokenGrant(
            kind: .delegated, tenantId: self.tenantId, objectId: user.id, clientAppId: client.appId, audience: self.graphAudience,
            scopes: granted, roleTemplateIds: try await self.directoryRoles(of: user.id), userName: user.displayName,
            userPrincipalName: user.userPrincipalName)
    }

    /// The user whose name and password these are, through smart lockout and per-address throttling (the password
    /// grant and the sign-in page share it). A wrong name and a wrong password fail alike, in the same time.
    public func verifyPassword(address: SourceAddress, username: String, password: String) async throws -> User {
        let attempt = try await self.beginSignIn(address: address, username: username)
        let user: User?
        do {
            user = try await self.repositories.users.get(userPrincipalName: username)
        } catch {
            self.throttle.end(attempt, succeeded: false, password: password)
            throw error
        }
        let stored = user?.passwordHash
        let matches = await CPUBoundWork.run { [hasher = self.directory.passwordHasher] in hasher.verify(password, against: stored ?? hasher.decoyHash) }
        guard let user, user.accountEnabled, stored != nil, matches else {
            self.throttle.end(attempt, succeeded: false, password: password)
            throw TokenRequestError(.invalidGrant, aadsts: 50_126, "AADSTS50126: Error validating credentials due to invalid username or password.")
        }
        self.throttle.end(attempt, succeeded: true, password: password)
        return user
    }

    /// The tenant-wide directory roles (`wids`) a user or service principal holds.
    func directoryRoles(of principalId: String) async throws -> [String] {
        try await self.directory.directoryRoles(of: principalId).sorted()
    }

    /// Verifies the client's secret against its application's (or service principal's) password credentials.
    public func authenticateClient(clientId: String, clientSecret: String?) async throws -> ServicePrincipal {
        guard let application = try await self.repositories.applications.get(appId: clientId),
            let servicePrincipal = try await self.repositories.servicePrincipals.get(appId: clientId)
        else {
            throw TokenRequestError(
                .unauthorizedClient, aadsts: 700_016,
                "AADSTS700016: Application with identifier '\(clientId)' was not found in the directory '\(self.tenantId)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.")
        }
        guard let clientSecret, !clientSecret.isEmpty else {
            throw TokenRequestError(
                .invalidClient, aadsts: 7_000_218,
                "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
        }
        let now = Date()
        let credentials = (application.passwordCredentials + servicePrincipal.passwordCredentials).filter { $0.isValid(at: now) }
        guard credentials.contains(where: { self.directory.hasher.verify(clientSecret, against: $0.secretHash) }) else {
            throw TokenRequestError(
                .invalidClient, aadsts: 7_000_215,
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
        }
        guard servicePrincipal.accountEnabled else {
            throw TokenRequestError(.unauthorizedClient, aadsts: 7_000_112, "AADSTS7000112: Application '\(clientId)' is disabled.")
        }
        return servicePrincipal
    }

    /// Values of the Microsoft Graph app roles granted to a service principal.
    public func graphRoles(of servicePrincipalId: String) async throws -> [String] {
        let graph = try await self.graphRoleCatalog()
        return try await self.repositories.appRoleAssignments.list(principalId: servicePrincipalId)
            .filter { $0.resourceId == graph.servicePrincipalId }
            .compactMap { graph.roleValues[$0.appRoleId.lowercased()] }
            .sorted()
    }

    /// The Graph service principal's id and app role values, read once a minute rather than on every token.
    private func graphRoleCatalog() async throws -> GraphRoleCatalog.Entry {
        if let entry = self.catalog.current() { return entry }
        let graph = try await self.directory.graphServicePrincipal()
        let entry = GraphRoleCatalog.Entry(
            servicePrincipalId: graph.id,
            roleValues: Dictionary(graph.appRoles.map { ($0.id.lowercased(), $0.value ?? "") }, uniquingKeysWith: { first, _ in first }))
        self.catalog.store(entry)
        return entry
    }

    func consentedGraphScopes(clientServicePrincipalId: String, userId: String) async throws -> [String] {
        let graph = try await self.directory.graphServicePrincipal()
        let grants = try await self.repositories.permissionGrants.list(DirectoryQuery(clauses: [
            .equals(field: "clientId", value: clientServicePrincipalId), .equals(field: "resourceId", value: graph.id),
        ]))
        var scopes: [String] = []
        for grant in grants where grant.consentType == "AllPrincipals" || grant.principalId == userId {
            for scope in grant.scopes where !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes
    }

    /// Graph scope values named in `scope` (`https://graph.microsoft.com/X` or bare `X`); OIDC scopes are ignored.
    func requestedGraphScopes(_ scope: String?, servedAt: String?) throws -> [String] {
        let oidc: Set<String> = ["openid", "profile", "offline_access", "email"]
        return try (scope ?? "").split(separator: " ").map(String.init).filter { !oidc.contains($0) }.map { item in
            for resource in self.resourceIdentifiers(servedAt: servedAt) where item.lowercased().hasPrefix(resource.lowercased() + "/") {
                // go-azure-sdk builds `{resource}//.default` from a resource id that ends in a slash.
                return String(item.dropFirst(resource.count + 1).drop { $0 == "/" })
            }
            guard !item.contains("/") else {
                throw TokenRequestError(
                    .invalidScope, aadsts: 70_011, "AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope \(item) is not valid.")
            }
            return item
        }
    }

    private func resource(ofDefaultScope scope: String) -> String? {
        guard scope.hasSuffix("/.default") else { return nil }
        let resource = String(scope.dropLast("/.default".count))
        return resource.isEmpty ? nil : resource
    }
}

/// A short-lived cache of the Microsoft Graph service principal's app roles (they change only at bootstrap).
final class GraphRoleCatalog: Sendable {
    struct Entry: Sendable {
        var servicePrincipalId: String
        var roleValues: [String: String]
    }

    private let state = Mutex<(entry: Entry, expires: ContinuousClock.Instant)?>(nil)

    func current() -> Entry? {
        self.state.withLock { state in
            guard let state, state.expires > .now else { return nil }
            return state.entry
        }
    }

    func store(_ entry: Entry) {
        self.state.withLock { $0 = (entry, .now + .seconds(60)) }
    }
}
