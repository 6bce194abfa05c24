import Foundation

extension DirectoryService {
    /// Grants `appRoleId` of `resourceId` to a user, group or service principal.
    public func assignAppRole(principalId: String, resourceId: String, appRoleId: String) async throws -> AppRoleAssignment {
        guard let principal = try await self.principal(id: principalId) else {
            throw DirectoryError.badRequest("Principal '\(principalId)' does not exist or one of its queried reference-property objects are not present.")
        }
        guard let resource = try await self.repositories.servicePrincipals.get(id: resourceId) else {
            throw DirectoryError.notFound(id: resourceId)
        }
        let role = resource.appRoles.first { $0.id.lowercased() == appRoleId.lowercased() }
        if appRoleId != WellKnown.defaultAccessAppRoleId {
            guard let role, role.isEnabled else {
                throw DirectoryError.badRequest("Permission being assigned was not found on application '\(resource.appId)'.")
            }
            let memberType = principal.type == .servicePrincipal ? "Application" : "User"
            guard role.allowedMemberTypes.contains(memberType) else {
                throw DirectoryError.badRequest("App role '\(role.value ?? role.id)' cannot be assigned to a principal of type \(principal.type.rawValue).")
            }
        }
        let existing = try await self.repositories.appRoleAssignments.list(principalId: principal.id)
        if existing.contains(where: { $0.resourceId == resourceId && $0.appRoleId.lowercased() == appRoleId.lowercased() }) {
            throw DirectoryError.conflict("Permission being assigned already exists on the object.")
        }
        let assignment = AppRoleAssignment(
            id: Identifiers.appRoleAssignmentId(), appRoleId: appRoleId.lowercased(), principalId: principal.id,
            principalType: principal.type, principalDisplayName: principal.displayName, resourceId: resource.id,
            resourceDisplayName: resource.displayName, createdDateTime: Date())
        try await self.repositories.appRoleAssignments.create(assignment)
        return assignment
    }

    /// Grants Microsoft Graph application permissions by name (admin CLI and bootstrap).
    public func grantGraphAppRoles(_ permissions: [GraphPermission], to servicePrincipalId: String) async throws {
        let graph = try await self.graphServicePrincipal()
        let held = Set(try await self.repositories.appRoleAssignments.list(principalId: servicePrincipalId).map(\.appRoleId))
        for permission in permissions {
            guard let roleId = permission.applicationId else {
                throw DirectoryError.badRequest("'\(permission.value)' is not an application permission.")
            }
            if held.contains(roleId) { continue }
            _ = try await self.assignAppRole(principalId: servicePrincipalId, resourceId: graph.id, appRoleId: roleId)
        }
    }

    /// Consents, for all users, to delegated scopes of `resourceId` for `clientId`; merges with an existing grant, in one
    /// transaction (so concurrent consents neither lose scopes nor create two grants).
    public func grantDelegatedScopes(clientId: String, resourceId: String, scopes: [String]) async throws -> OAuth2PermissionGrant {
        try await self.repositories.transaction { tx in
            try await self.within(tx)
                .mergeDelegatedScopes(clientId: clientId, resourceId: resourceId, scopes: scopes)
        }
    }

    func mergeDelegatedScopes(clientId: String, resourceId: String, scopes: [String]) async throws -> OAuth2PermissionGrant {
        guard let client = try await self.repositories.servicePrincipals.get(id: clientId) else { throw DirectoryError.notFound(id: clientId) }
        guard let resource = try await self.repositories.servicePrincipals.get(id: resourceId) else {
            throw DirectoryError.notFound(id: resourceId)
        }
        let published = Set(resource.oauth2PermissionScopes.map(\.value))
        for scope in scopes where !published.contains(scope) {
            throw DirectoryError.badRequest("Scope '\(scope)' is not a delegated permission of '\(resource.displayName)'.")
        }
        let existing = try await self.repositories.permissionGrants.list(DirectoryQuery(clauses: [
            .equals(field: "clientId", value: client.id), .equals(field: "resourceId", value: resource.id),
            .equals(field: "consentType", value: "AllPrincipals"),
        ]))
        if var grant = existing.first {
            let merged = grant.scopes + scopes.filter { !grant.scopes.contains($0) }
            grant.scope = merged.joined(separator: " ")
            try await self.repositories.permissionGrants.update(grant)
            return grant
        }
        let grant = OAuth2PermissionGrant(
            id: Identifiers.permissionGrantId(), clientId: client.id, consentType: "AllPrincipals", principalId: nil,
            resourceId: resource.id, scope: scopes.joined(separator: " "))
        try await self.repositories.permissionGrants.create(grant)
        return grant
    }

    /// Assigns a directory role (by template id) tenant-wide.
    public func assignDirectoryRole(principalId: String, roleDefinitionId: String, directoryScopeId: String = "/") async throws
        -> RoleAssignment
    {
        guard DirectoryRoleTemplate.withId(roleDefinitionId) != nil else {
            throw DirectoryError.badRequest("Role definition '\(roleDefinitionId)' does not exist.")
        }
        guard directoryScopeId == "/" || directoryScopeId.hasPrefix("/") else {
            throw DirectoryError.badRequest("directoryScopeId must be '/' or start with '/'.")
        }
        guard let principal = try await self.principal(id: principalId) else {
            throw DirectoryError.badRequest("Principal '\(principalId)' does not exist.")
        }
        let existing = try await self.repositories.roleAssignments.list(DirectoryQuery(clauses: [
            .equals(field: "principalId", value: principal.id), .equals(field: "roleDefinitionId", value: roleDefinitionId.lowercased()),
        ]))
        if existing.contains(where: { $0.directoryScopeId == directoryScopeId }) {
            throw DirectoryError.conflict("A conflicting object with one or more of the specified property values is present in the directory.")
        }
        let assignment = RoleAssignment(
            id: Identifiers.roleAssignmentId(), roleDefinitionId: roleDefinitionId.lowercased(), principalId: principal.id,
            directoryScopeId: directoryScopeId)
        try await self.repositories.roleAssignments.create(assignment)
        return assignment
    }
}
