import Foundation

/// First-start initialisation of a tenant: the Microsoft Graph service principal, the bootstrap admin
/// application and the bootstrap admin user. Safe to run on every start.
public struct Bootstrapper: Sendable {
    /// What a person needs to start using a fresh tenant. Secrets are shown once; only hashes are stored.
    public struct Facts: Sendable, Equatable {
        public var tenantId: String
        public var clientId: String
        public var clientSecret: String
        public var adminUserPrincipalName: String
        public var adminPassword: String
    }

    /// Application permissions the bootstrap admin app holds.
    public static let adminApplicationPermissions: [GraphPermission] = [
        .synchronizationReadWriteAll, .applicationReadWriteAll, .appRoleAssignmentReadWriteAll, .userReadWriteAll,
        .groupReadWriteAll, .delegatedPermissionGrantReadWriteAll, .roleManagementReadWriteDirectory, .auditLogReadAll,
    ]
    /// Delegated scopes consented for every user of the bootstrap admin app.
    public static let adminDelegatedScopes: [GraphPermission] = [
        .synchronizationReadWriteAll, .synchronizationReadAll, .applicationReadWriteAll, .directoryReadWriteAll,
        .userReadWriteAll, .appRoleAssignmentReadWriteAll, .roleManagementReadWriteDirectory, .auditLogReadAll, .userRead,
    ]
    static let secretDisplayName = "graphsync bootstrap"

    public let repositories: Repositories
    public let hasher: any CredentialHasher
    public let passwordHasher: any CredentialHasher

    public init(repositories: Repositories, hasher: any CredentialHasher, passwordHasher: any CredentialHasher) {
        self.repositories = repositories
        self.hasher = hasher
        self.passwordHasher = passwordHasher
    }

    /// The tenant, created on first call.
    /// Nodes that start together on an empty database check and create it in one transaction: one tenant, always.
    public func ensureTenant() async throws -> (tenant: Tenant, created: Bool) {
        try await self.repositories.transaction { tx in
            if let tenant = try await tx.tenants.tenant() { return (tenant, false) }
            let tenant = Tenant(id: Identifiers.objectId(), displayName: "GraphSync", defaultDomain: "graphsync.local")
            try await tx.tenants.save(tenant)
            return (tenant, true)
        }
    }

    /// A new database's first start: everything made in one transaction, so of several nodes starting together on an
    /// empty database exactly one initializes it (and prints its facts); nil when the database was initialized already.
    public func initializeIfNew() async throws -> Facts? {
        try await self.repositories.transaction { tx in
            guard try await tx.tenants.tenant() == nil else { return nil }
            return try await Bootstrapper(repositories: tx, hasher: self.hasher, passwordHasher: self.passwordHasher).initialize()
        }
    }

    /// Makes whatever is missing, then issues a fresh admin client secret and admin password.
    public func initialize() async throws -> Facts {
        var tenant = try await self.ensureTenant().tenant
        let directory = DirectoryService(repositories: self.repositories, hasher: self.hasher, passwordHasher: self.passwordHasher, tenant: tenant)
        try await self.ensureGraphServicePrincipal(directory: directory)

        let (application, servicePrincipal) = try await self.ensureAdminApplication(directory: directory, tenant: tenant)
        let user = try await self.ensureAdminUser(directory: directory, tenant: tenant)
        if tenant.bootstrapAppId != application.appId || tenant.bootstrapUserId != user.id {
            tenant.bootstrapAppId = application.appId
            tenant.bootstrapUserId = user.id
            try await self.repositories.tenants.save(tenant)
        }

        try await directory.grantGraphAppRoles(Self.adminApplicationPermissions, to: servicePrincipal.id)
        let graph = try await directory.graphServicePrincipal()
        _ = try await directory.grantDelegatedScopes(
            clientId: servicePrincipal.id, resourceId: graph.id, scopes: Self.adminDelegatedScopes.map(\.value))
        let roles = try await self.repositories.roleAssignments.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: user.id)]))
        if !roles.contains(where: { $0.roleDefinitionId == DirectoryRoleTemplate.globalAdministrator.id }) {
            _ = try await directory.assignDirectoryRole(principalId: user.id, roleDefinitionId: DirectoryRoleTemplate.globalAdministrator.id)
        }

        // Rotate the shown secrets: earlier bootstrap secrets stop working.
        var rotated = try await self.repositories.applications.get(id: application.id) ?? application
        rotated.passwordCredentials.removeAll { $0.displayName == Self.secretDisplayName }
        let password = try directory.makePassword(displayName: Self.secretDisplayName, startDateTime: nil, endDateTime: nil)
        rotated.passwordCredentials.append(password.credential)
        try await self.repositories.applications.update(rotated)
        let adminPassword = Identifiers.password()
        try await directory.setPassword(userId: user.id, password: adminPassword)

        return Facts(
            tenantId: tenant.id, clientId: application.appId, clientSecret: password.secretText,
            adminUserPrincipalName: user.userPrincipalName, adminPassword: adminPassword)
    }

    private func ensureGraphServicePrincipal(directory: DirectoryService) async throws {
        let roles = GraphPermission.all.compactMap { permission in
            permission.applicationId.map {
                AppRole(id: $0, allowedMemberTypes: ["Application"], description: permission.description,
                        displayName: permission.description, value: permission.value)
            }
        }
        let scopes = GraphPermission.all.compactMap { permission in
            permission.delegatedId.map {
                PermissionScope(id: $0, value: permission.value, adminConsentDescription: permission.description,
                                adminConsentDisplayName: permission.description)
            }
        }
        if var graph = try await self.repositories.servicePrincipals.get(appId: WellKnown.graphAppId) {
            guard graph.appRoles != roles || graph.oauth2PermissionScopes != scopes else { return }
            graph.appRoles = roles
            graph.oauth2PermissionScopes = scopes
            try await self.repositories.servicePrincipals.update(graph)
            return
        }
        let graph = ServicePrincipal(
            id: Identifiers.objectId(), appId: WellKnown.graphAppId, displayName: "Microsoft Graph", appDisplayName: "Microsoft Graph",
            appOwnerOrganizationId: "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
            servicePrincipalNames: [WellKnown.graphAppId, "https://graph.microsoft.com", "https://graph.microsoft.us",
                                    "https://dod-graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn"],
            appRoles: roles, oauth2PermissionScopes: scopes, createdDateTime: Date())
        try await self.repositories.servicePrincipals.create(graph, owners: [])
    }

    private func ensureAdminApplication(directory: DirectoryService, tenant: Tenant) async throws -> (Application, ServicePrincipal) {
        let application: Application
        if let appId = tenant.bootstrapAppId, let existing = try await self.repositories.applications.get(appId: appId) {
            application = existing
        } else {
            application = try await directory.createApplication(
                Application(id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: "GraphSync Admin",
                            createdDateTime: Date(), tags: ["graphsync:bootstrap"]),
                owner: nil)
        }
        if let sp = try await self.repositories.servicePrincipals.get(appId: application.appId) { return (application, sp) }
        return (application, try await directory.createServicePrincipal(appId: application.appId, owner: nil))
    }

    private func ensureAdminUser(directory: DirectoryService, tenant: Tenant) async throws -> User {
        if let id = tenant.bootstrapUserId, let user = try await self.repositories.users.get(id: id) { return user }
        let upn = "admin@\(tenant.defaultDomain)"
        if let user = try await self.repositories.users.get(userPrincipalName: upn) { return user }
        return try await directory.createUser(
            User(id: Identifiers.objectId(), userPrincipalName: upn, displayName: "GraphSync Administrator", mailNickname: "admin",
                 createdDateTime: Date()),
            password: Identifiers.password())
    }
}
