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
    /// The same service over the repositories of an open transaction.
    func within(_ transaction: Repositories) -> DirectoryService {
        DirectoryService(repositories: transaction, hasher: self.hasher, passwordHasher: self.passwordHasher, tenant: self.tenant)
    }

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
        try await self.changeApplication(id) { $0.passwordCredentials.append(password.credential) }
    }

    public func removePassword(fromApplication id: String, keyId: String) async throws {
        try await self.changeApplication(id) { try Self.removeCredential(keyId, from: &$0.passwordCredentials) }
    }

    public func addPassword(toServicePrincipal id: String, _ password: NewPassword) async throws {
        try await self.changeServicePrincipal(id) { $0.passwordCredentials.append(password.credential) }
    }

    public func removePassword(fromServicePrincipal id: String, keyId: String) async throws {
        try await self.changeServicePrincipal(id) { try Self.removeCredential(keyId, from: &$0.passwordCredentials) }
    }

    /// Reads, changes and writes an application in one transaction, so concurrent changes are all kept. Built-in
    /// registrations are refused (`refuseChangeToBuiltIn`).
    public func changeApplication(_ id: String, _ change: @escaping @Sendable (inout Application) throws -> Void) async throws {
        try await self.repositories.transaction { tx in
            guard var application = try await tx.applications.get(id: id) else { throw DirectoryError.notFound(id: id) }
            try await self.within(tx).refuseChangeToBuiltIn(appId: application.appId)
            try change(&application)
            try await tx.applications.update(application)
        }
    }

    /// Reads, changes and writes a service principal in one transaction, so concurrent changes are all kept. Built-in
    /// registrations are refused (`refuseChangeToBuiltIn`).
    public func changeServicePrincipal(_ id: String, _ change: @escaping @Sendable (inout ServicePrincipal) throws -> Void) async throws {
        try await self.repositories.transaction { tx in
            guard var sp = try await tx.servicePrincipals.get(id: id) else { throw DirectoryError.notFound(id: id) }
            try await self.within(tx).refuseChangeToBuiltIn(appId: sp.appId)
            try change(&sp)
            try await tx.servicePrincipals.update(sp)
        }
    }

    /// Creates a group with its first members (users or groups, at most 20, as Graph allows at creation), in one
    /// transaction: a missing member leaves nothing behind.
    public func createGroup(_ group: Group, memberIds: [String], ownerIds: [String] = []) async throws -> Group {
        guard memberIds.count <= 20, ownerIds.count <= 20 else {
            throw DirectoryError.badRequest("At most 20 members and 20 owners can be bound when creating a group.")
        }
        try await self.repositories.transaction { tx in
            let directory = self.within(tx)
            var members: [DirectoryObjectSummary] = []
            for id in memberIds {
                guard let member = try await directory.principal(id: id), member.type != .servicePrincipal else { throw DirectoryError.notFound(id: id) }
                members.append(member)
            }
            var owners: [DirectoryObjectSummary] = []
            for id in ownerIds {
                guard let owner = try await directory.principal(id: id) else { throw DirectoryError.notFound(id: id) }
                guard owner.type != .group else { throw DirectoryError.badRequest("Owners must be users or service principals; '\(id)' is a group.") }
                owners.append(owner)
            }
            try await tx.groups.create(group)
            for member in members { _ = try await tx.groups.addMember(member, to: group.id) }
            for owner in owners { _ = try await tx.owners.add(owner: owner, to: group.id) }
        }
        return group
    }

    /// Reads, changes and writes a group in one transaction, so concurrent changes are all kept; the members bound in
    /// the same PATCH (`members@odata.bind`) are added in it too, so a bad one leaves nothing changed.
    public func changeGroup(
        _ id: String, addingMembers memberIds: [String] = [], _ change: @escaping @Sendable (inout Group) throws -> Void
    ) async throws {
        guard memberIds.count <= 20 else { throw DirectoryError.badRequest("At most 20 members can be bound in one request.") }
        try await self.repositories.transaction { tx in
            guard var group = try await tx.groups.get(id: id) else { throw DirectoryError.notFound(id: id) }
            let directory = self.within(tx)
            for memberId in memberIds {
                guard let member = try await directory.principal(id: memberId), member.type != .servicePrincipal else {
                    throw DirectoryError.notFound(id: memberId)
                }
                guard member.id != group.id else { throw DirectoryError.badRequest("A group cannot be a member of itself.") }
                _ = try await tx.groups.addMember(member, to: group.id)
            }
            try change(&group)
            try await tx.groups.update(group)
        }
    }

    private static func removeCredential(_ keyId: String, from credentials: inout [PasswordCredential]) throws {
        guard credentials.contains(where: { $0.keyId.lowercased() == keyId.lowercased() }) else {
            throw DirectoryError.badRequest("No password credential found with keyId '\(keyId)'.")
        }
        credentials.removeAll { $0.keyId.lowercased() == keyId.lowercased() }
    }
}
