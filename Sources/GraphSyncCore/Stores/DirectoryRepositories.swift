/// Applications, stored with their password credentials (hashed) and owners.
public protocol ApplicationRepository: Sendable {
    func create(_ application: Application, owners: [String]) async throws
    func get(id: String) async throws -> Application?
    func get(appId: String) async throws -> Application?
    /// Filterable fields: `appId`, `displayName`, `id`.
    func list(_ query: DirectoryQuery) async throws -> Page<Application>
    func update(_ application: Application) async throws
    /// Deletes the application, its owners and its service principal (with everything hanging off it).
    func delete(id: String) async throws -> Bool
}

/// Service principals, with their password credentials (hashed) and owners.
public protocol ServicePrincipalRepository: Sendable {
    func create(_ servicePrincipal: ServicePrincipal, owners: [String]) async throws
    func get(id: String) async throws -> ServicePrincipal?
    func get(appId: String) async throws -> ServicePrincipal?
    /// Filterable fields: `appId`, `displayName`, `id`, `servicePrincipalNames` (equality on any element).
    func list(_ query: DirectoryQuery) async throws -> Page<ServicePrincipal>
    func update(_ servicePrincipal: ServicePrincipal) async throws
    /// Deletes the service principal with its owners and every grant it gives or holds.
    func delete(id: String) async throws -> Bool
}

/// Users, with password hashes.
public protocol UserRepository: Sendable {
    func create(_ user: User) async throws
    func get(id: String) async throws -> User?
    func get(userPrincipalName: String) async throws -> User?
    /// Filterable fields: `userPrincipalName`, `displayName`, `mailNickname`, `mail`, `id`.
    func list(_ query: DirectoryQuery) async throws -> Page<User>
    /// The users with these ids that exist, in id order.
    func get(ids: [String]) async throws -> [User]
    /// One page of the users whose manager is `managerId`.
    func directReports(of managerId: String, _ query: DirectoryQuery) async throws -> Page<User>
    /// The first `limit` direct reports (in id order) of each of `managerIds`, in one query: manager id → reports.
    func directReports(ofEach managerIds: [String], limit: Int) async throws -> [String: [User]]
    func update(_ user: User) async throws
    /// Deletes the user with its ownerships, grants and role assignments.
    func delete(id: String) async throws -> Bool
}

/// Groups and their direct members.
public protocol GroupRepository: Sendable {
    func create(_ group: Group) async throws
    func get(id: String) async throws -> Group?
    /// Filterable fields: `displayName`, `mailNickname`, `id`.
    func list(_ query: DirectoryQuery) async throws -> Page<Group>
    func update(_ group: Group) async throws
    /// Deletes the group with its memberships (both ways), grants and ownerships.
    func delete(id: String) async throws -> Bool
    /// Direct members, users and groups.
    func members(of groupId: String) async throws -> [DirectoryObjectSummary]
    /// Returns false when the member was already there.
    func addMember(_ member: DirectoryObjectSummary, to groupId: String) async throws -> Bool
    func removeMember(_ memberId: String, from groupId: String) async throws -> Bool
    /// The groups any of `memberIds` is a direct member of (one query per 500 ids, on the member index).
    func groupIds(withMembers memberIds: Set<String>) async throws -> Set<String>
    /// The direct members of any of `groupIds`, by id and type.
    func memberIds(of groupIds: Set<String>) async throws -> [(id: String, type: PrincipalType)]
    /// The groups with these ids that exist, in id order.
    func groups(ids: Set<String>) async throws -> [Group]
}

/// Ownership of applications and service principals by users or service principals.
public protocol OwnerRepository: Sendable {
    func owners(of objectId: String) async throws -> [DirectoryObjectSummary]
    func ownerIds(of objectId: String) async throws -> Set<String>
    /// Returns false when the owner was already present.
    func add(owner: DirectoryObjectSummary, to objectId: String) async throws -> Bool
    func remove(ownerId: String, from objectId: String) async throws -> Bool
}

/// App role grants (`appRoleAssignment`).
public protocol AppRoleAssignmentRepository: Sendable {
    func create(_ assignment: AppRoleAssignment) async throws
    func get(id: String) async throws -> AppRoleAssignment?
    func list(resourceId: String) async throws -> [AppRoleAssignment]
    func list(principalId: String) async throws -> [AppRoleAssignment]
    func delete(id: String) async throws -> Bool
}

/// Delegated permission grants (`oAuth2PermissionGrant`).
public protocol PermissionGrantRepository: Sendable {
    func create(_ grant: OAuth2PermissionGrant) async throws
    func get(id: String) async throws -> OAuth2PermissionGrant?
    /// Filterable fields: `clientId`, `resourceId`, `consentType`, `principalId`.
    func list(_ query: DirectoryQuery) async throws -> [OAuth2PermissionGrant]
    func update(_ grant: OAuth2PermissionGrant) async throws
    func delete(id: String) async throws -> Bool
}

/// Directory role assignments (`unifiedRoleAssignment`).
public protocol RoleAssignmentRepository: Sendable {
    func create(_ assignment: RoleAssignment) async throws
    func get(id: String) async throws -> RoleAssignment?
    /// Filterable fields: `principalId`, `roleDefinitionId`.
    func list(_ query: DirectoryQuery) async throws -> [RoleAssignment]
    func delete(id: String) async throws -> Bool
}

/// The tenant record and the authority's signing keys.
public protocol TenantRepository: Sendable {
    func tenant() async throws -> Tenant?
    func save(_ tenant: Tenant) async throws
    /// Signing keys, newest first, as stored (already encrypted by the caller).
    func signingKeys() async throws -> [StoredSigningKey]
    func addSigningKey(_ key: StoredSigningKey) async throws
    func deleteSigningKey(kid: String) async throws
}

/// An authority signing key as persisted: its `kid` and the private key, sealed with the secret-at-rest key.
/// `createdDateTime` is when it starts signing (a rotated key is published before that).
public struct StoredSigningKey: Sendable, Hashable {
    public var kid: String
    public var sealedPrivateKey: String
    public var createdDateTime: Date

    public init(kid: String, sealedPrivateKey: String, createdDateTime: Date) {
        self.kid = kid
        self.sealedPrivateKey = sealedPrivateKey
        self.createdDateTime = createdDateTime
    }
}

import Foundation

/// Every repository GraphSync needs, handed around as one value.
public struct Repositories: Sendable {
    public var tenants: any TenantRepository
    public var applications: any ApplicationRepository
    public var servicePrincipals: any ServicePrincipalRepository
    public var users: any UserRepository
    public var groups: any GroupRepository
    public var owners: any OwnerRepository
    public var appRoleAssignments: any AppRoleAssignmentRepository
    public var permissionGrants: any PermissionGrantRepository
    public var roleAssignments: any RoleAssignmentRepository
    public var synchronizationSecrets: any SynchronizationSecretRepository
    public var jobs: any SynchronizationJobRepository
    public var provisionedObjects: any ProvisionedObjectRepository
    public var provisioningLog: any ProvisioningLogRepository
    public var provisioningScope: any ProvisioningScopeRepository
    public var deletedItems: any DeletedItemRepository
    public var signInGrants: any SignInGrantRepository
    public var rateLimits: any RateLimitRepository
    /// Runs read-modify-writes as one transaction over these repositories.
    public var unitOfWork: any UnitOfWork

    public init(
        tenants: any TenantRepository, applications: any ApplicationRepository, servicePrincipals: any ServicePrincipalRepository,
        users: any UserRepository, groups: any GroupRepository, owners: any OwnerRepository, appRoleAssignments: any AppRoleAssignmentRepository,
        permissionGrants: any PermissionGrantRepository, roleAssignments: any RoleAssignmentRepository,
        synchronizationSecrets: any SynchronizationSecretRepository, jobs: any SynchronizationJobRepository,
        provisionedObjects: any ProvisionedObjectRepository, provisioningLog: any ProvisioningLogRepository,
        provisioningScope: any ProvisioningScopeRepository, deletedItems: any DeletedItemRepository,
        signInGrants: any SignInGrantRepository, rateLimits: any RateLimitRepository, unitOfWork: any UnitOfWork
    ) {
        self.tenants = tenants
        self.applications = applications
        self.servicePrincipals = servicePrincipals
        self.users = users
        self.groups = groups
        self.owners = owners
        self.appRoleAssignments = appRoleAssignments
        self.permissionGrants = permissionGrants
        self.roleAssignments = roleAssignments
        self.synchronizationSecrets = synchronizationSecrets
        self.jobs = jobs
        self.provisionedObjects = provisionedObjects
        self.provisioningLog = provisioningLog
        self.provisioningScope = provisioningScope
        self.deletedItems = deletedItems
        self.signInGrants = signInGrants
        self.rateLimits = rateLimits
        self.unitOfWork = unitOfWork
    }

    /// Runs `body` as one transaction: every repository it is handed reads and writes inside it, so a read-modify-write
    /// cannot lose a concurrent write. Committed when `body` returns, rolled back when it throws. Keep network calls
    /// out of `body`: it holds the database's write lock.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (Repositories) async throws -> R) async throws -> R {
        try await self.unitOfWork.run(body)
    }
}

/// A transaction over all repositories (implemented by the storage layer).
public protocol UnitOfWork: Sendable {
    func run<R: Sendable>(_ body: @escaping @Sendable (Repositories) async throws -> R) async throws -> R
}
