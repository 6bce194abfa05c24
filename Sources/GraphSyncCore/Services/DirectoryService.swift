import Foundation

/// The directory's rules: creating applications, service principals, users, credentials and grants.
///
/// Used by the Graph controllers and by the admin CLI alike, so both obey the same rules.
public struct DirectoryService: Sendable {
    public let repositories: Repositories
    public let hasher: any CredentialHasher
    public let passwordHasher: any CredentialHasher
    public let tenant: Tenant

    public init(repositories: Repositories, hasher: any CredentialHasher, passwordHasher: any CredentialHasher, tenant: Tenant) {
        self.repositories = repositories
        self.hasher = hasher
        self.passwordHasher = passwordHasher
        self.tenant = tenant
    }

    /// Looks up a principal (user, service principal or group) for references such as owners and members.
    public func principal(id: String) async throws -> DirectoryObjectSummary? {
        if let user = try await self.repositories.users.get(id: id) {
            return DirectoryObjectSummary(id: user.id, type: .user, displayName: user.displayName, userPrincipalName: user.userPrincipalName)
        }
        if let sp = try await self.repositories.servicePrincipals.get(id: id) {
            return DirectoryObjectSummary(id: sp.id, type: .servicePrincipal, displayName: sp.displayName, appId: sp.appId)
        }
        if let group = try await self.repositories.groups.get(id: id) {
            return DirectoryObjectSummary(id: group.id, type: .group, displayName: group.displayName)
        }
        return nil
    }

    /// The Microsoft Graph service principal (resource of every Graph permission).
    public func graphServicePrincipal() async throws -> ServicePrincipal {
        guard let graph = try await self.repositories.servicePrincipals.get(appId: WellKnown.graphAppId) else {
            throw DirectoryError.notFound(id: WellKnown.graphAppId)
        }
        return graph
    }
}

// MARK: Password credentials

extension DirectoryService {
    /// A new secret for an application or service principal; the secret text is returned once and only its hash is kept.
    public struct NewPassword: Sendable {
        public var credential: PasswordCredential
        public var secretText: String
    }

    public func makePassword(displayName: String?, startDateTime: Date?, endDateTime: Date?, now: Date = Date()) throws -> NewPassword {
        let start = startDateTime ?? now
        let end = endDateTime ?? Calendar(identifier: .gregorian).date(byAdding: .year, value: 2, to: start) ?? start.addingTimeInterval(2 * 365 * 86_400)
        guard end > start else { throw DirectoryError.badRequest("endDateTime must be later than startDateTime.") }
        let secret = Identifiers.clientSecret()
        let credential = PasswordCredential(
            keyId: Identifiers.objectId(), displayName: displayName, hint: String(secret.prefix(3)), startDateTime: start,
            endDateTime: end, secretHash: self.hasher.hash(secret))
        return NewPassword(credential: credential, secretText: secret)
    }

    public func addPassword(toApplication id: String, _ password: NewPassword) async throws {
        guard var application = try await self.repositories.applications.get(id: id) else { throw DirectoryError.notFound(id: id) }
        application.passwordCredentials.append(password.credential)
        try await self.repositories.applications.update(application)
    }

    public func removePassword(fromApplication id: String, keyId: String) async throws {
        guard var application = try await self.repositories.applications.get(id: id) else { throw DirectoryError.notFound(id: id) }
        guard application.passwordCredentials.contains(where: { $0.keyId.lowercased() == keyId.lowercased() }) else {
            throw DirectoryError.badRequest("No password credential found with keyId '\(keyId)'.")
        }
        application.passwordCredentials.removeAll { $0.keyId.lowercased() == keyId.lowercased() }
        try await self.repositories.applications.update(application)
    }

    public func addPassword(toServicePrincipal id: String, _ password: NewPassword) async throws {
        guard var sp = try await self.repositories.servicePrincipals.get(id: id) else { throw DirectoryError.notFound(id: id) }
        sp.passwordCredentials.append(password.credential)
        try await self.repositories.servicePrincipals.update(sp)
    }

    public func removePassword(fromServicePrincipal id: String, keyId: String) async throws {
        guard var sp = try await self.repositories.servicePrincipals.get(id: id) else { throw DirectoryError.notFound(id: id) }
        guard sp.passwordCredentials.contains(where: { $0.keyId.lowercased() == keyId.lowercased() }) else {
            throw DirectoryError.badRequest("No password credential found with keyId '\(keyId)'.")
        }
        sp.passwordCredentials.removeAll { $0.keyId.lowercased() == keyId.lowercased() }
        try await self.repositories.servicePrincipals.update(sp)
    }
}
