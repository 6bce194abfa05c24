import Foundation

extension DirectoryService {
    /// Registers an application. `owner` (the creating user or service principal) becomes its first owner, then the
    /// users and service principals in `boundOwners` (`owners@odata.bind`). A caller whose permission reaches only what it
    /// owns must be that owner, so it can manage what it made and nothing else.
    public func createApplication(
        _ draft: Application, owner: DirectoryObjectSummary?, boundOwners: [String] = [], within scope: AccessScope = .everything
    ) async throws -> Application {
        if let caller = scope.ownerId, owner?.id != caller {
            throw DirectoryError.forbidden("Application.ReadWrite.OwnedBy creates applications only with the calling app as their owner.")
        }
        var application = draft
        application.displayName = application.displayName.trimmingCharacters(in: .whitespaces)
        guard !application.displayName.isEmpty else { throw DirectoryError.badRequest("Property 'displayName' is required.") }
        try Self.validateUniqueIds(application.appRoles.map(\.id) + application.oauth2PermissionScopes.map(\.id))
        let owners = try await self.ownerIds(first: owner, bound: boundOwners, within: scope)
        try await self.repositories.applications.create(application, owners: owners)
        return application
    }

    /// Creates the service principal of an application registered in this tenant. A caller whose permission reaches
    /// only what it owns (`Application.ReadWrite.OwnedBy`) must own the application, as Graph requires.
    public func createServicePrincipal(
        appId: String, overrides: (inout ServicePrincipal) throws -> Void = { _ in }, owner: DirectoryObjectSummary?, boundOwners: [String] = [],
        within scope: AccessScope = .everything
    ) async throws -> ServicePrincipal {
        guard let application = try await self.repositories.applications.get(appId: appId) else {
            throw DirectoryError.badRequest("The appId '\(appId)' of the service principal does not reference a valid application object.")
        }
        if let caller = scope.ownerId, try await !self.repositories.owners.ownerIds(of: application.id).contains(caller) {
            throw DirectoryError.forbidden(
                "Application.ReadWrite.OwnedBy creates a service principal only for an application the calling app owns; '\(appId)' is not one of them.")
        }
        if try await self.repositories.servicePrincipals.get(appId: appId) != nil {
            throw DirectoryError.conflict("A service principal with appId '\(appId)' already exists.")
        }
        var sp = ServicePrincipal(
            id: Identifiers.objectId(), appId: appId, displayName: application.displayName, appDisplayName: application.displayName,
            appOwnerOrganizationId: self.tenant.id, servicePrincipalNames: [appId] + application.identifierUris, tags: application.tags,
            appRoles: application.appRoles, oauth2PermissionScopes: application.oauth2PermissionScopes, createdDateTime: Date())
        // What Graph derives from the application.
        sp.properties["signInAudience"] = .string(application.signInAudience)
        sp.properties["replyUrls"] = JSONValue(application.webRedirectUris)
        sp.properties["appDescription"] = JSONValue(application.description)
        if let homepage = application.properties["web"]?["homePageUrl"] { sp.properties["homepage"] = homepage }
        if let info = application.properties["info"] { sp.properties["info"] = info }
        try overrides(&sp)
        try await self.repositories.servicePrincipals.create(sp, owners: try await self.ownerIds(first: owner, bound: boundOwners, within: scope))
        return sp
    }

    /// The creator, then each bound owner once; bound owners must be users or service principals that exist. A caller
    /// whose permission reaches only what it owns may bind no one but itself (adding owners needs more, as `$ref` does).
    func ownerIds(first owner: DirectoryObjectSummary?, bound: [String], within scope: AccessScope) async throws -> [String] {
        guard bound.count <= 20 else { throw DirectoryError.badRequest("At most 20 owners can be bound when creating an object.") }
        if let caller = scope.ownerId, let other = bound.first(where: { $0 != caller }) {
            throw DirectoryError.forbidden(
                "Application.ReadWrite.OwnedBy creates objects owned by the calling app only; it cannot bind '\(other)' as an owner.")
        }
        var ids = owner.map { [$0.id] } ?? []
        for id in bound where !ids.contains(id) {
            guard let principal = try await self.principal(id: id) else { throw DirectoryError.notFound(id: id) }
            guard principal.type != .group else { throw DirectoryError.badRequest("Owners must be users or service principals; '\(id)' is a group.") }
            ids.append(id)
        }
        return ids
    }

    static func validateUniqueIds(_ ids: [String]) throws {
        var seen = Set<String>()
        for id in ids where !seen.insert(id.lowercased()).inserted {
            throw DirectoryError.badRequest("The id '\(id)' is used by more than one appRole or oauth2PermissionScope.")
        }
    }
}
