import Foundation
/// The permission table of every Graph operation GraphSync serves, transcribed from the Graph docs.
public enum GraphPolicies {
    private static let appAdmins: Set<DirectoryRoleTemplate> = [.applicationAdministrator, .cloudApplicationAdministrator]
    private static let syncAdmins: Set<DirectoryRoleTemplate> = [
        .applicationAdministrator, .cloudApplicationAdministrator, .hybridIdentityAdministrator,
    ]

    // MARK: applications and servicePrincipals

    /// GET applications / servicePrincipals (and their owners).
    public static let readApplications = AccessPolicy(
        delegatedScopes: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        applicationRoles: ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        ownedBy: .creatorOrOwnedOnly)

    /// POST applications / servicePrincipals: an OwnedBy app may create objects, which it then owns.
    public static let createApplications = AccessPolicy(
        delegatedScopes: ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: appAdmins,
        applicationRoles: ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        ownedBy: .creatorOrOwnedOnly)

    /// PATCH, DELETE, addPassword, removePassword on applications / servicePrincipals.
    public static let manageApplication = AccessPolicy(
        delegatedScopes: ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: appAdmins, ownersMayActWithoutRole: true,
        applicationRoles: ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        ownedBy: .ownerOfTarget)

    /// owners/$ref: "Application.ReadWrite.OwnedBy alone is not enough to add another owner."
    public static let manageOwners = AccessPolicy(
        delegatedScopes: ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: appAdmins, ownersMayActWithoutRole: true,
        applicationRoles: ["Application.ReadWrite.All", "Directory.ReadWrite.All"])

    // MARK: grants

    /// appRoleAssignments / appRoleAssignedTo and oauth2PermissionGrants reads.
    public static let readGrants = AccessPolicy(
        delegatedScopes: ["Application.Read.All", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All",
                          "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        applicationRoles: ["Application.Read.All", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All",
                           "DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"])

    /// Granting or revoking app roles (appRoleAssignedTo / appRoleAssignments): AppRoleAssignment.ReadWrite.All only, as
    /// Graph's docs list. Application.ReadWrite.All or Directory.ReadWrite.All would let an app grant itself any Graph
    /// permission (RoleManagement.ReadWrite.Directory among them).
    public static let manageAppRoleAssignments = AccessPolicy(
        delegatedScopes: ["AppRoleAssignment.ReadWrite.All"],
        delegatedRoles: appAdmins.union([.userAdministrator, .privilegedRoleAdministrator]),
        applicationRoles: ["AppRoleAssignment.ReadWrite.All"])

    /// Granting or revoking delegated scopes (oauth2PermissionGrants).
    public static let managePermissionGrants = AccessPolicy(
        delegatedScopes: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: appAdmins,
        applicationRoles: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"])

    // MARK: users and directory roles

    /// `GET /me` (and its manager and direct reports): the signed-in user reads their own profile.
    public static let readSignedInUser = AccessPolicy(
        delegatedScopes: ["User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All",
                          "Directory.ReadWrite.All"],
        applicationRoles: [])

    public static let readUsers = AccessPolicy(
        delegatedScopes: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        applicationRoles: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"])

    public static let manageUsers = AccessPolicy(
        delegatedScopes: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: [.userAdministrator],
        applicationRoles: ["User.ReadWrite.All", "Directory.ReadWrite.All"])

    /// `POST /users/{id}/revokeSignInSessions`; the signed-in user needs one of the roles Graph lists for it.
    public static let revokeSignInSessions = AccessPolicy(
        delegatedScopes: ["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: [.userAdministrator, .helpdeskAdministrator, .privilegedAuthenticationAdministrator],
        applicationRoles: ["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"])

    /// `POST /me/revokeSignInSessions`: the signed-in user ends their own sessions (no role needed).
    public static let revokeOwnSignInSessions = AccessPolicy(
        delegatedScopes: ["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"], applicationRoles: [])

    public static let readRoleAssignments = AccessPolicy(
        delegatedScopes: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All",
                          "Directory.ReadWrite.All"],
        applicationRoles: ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.Read.All",
                           "Directory.ReadWrite.All"])

    public static let manageRoleAssignments = AccessPolicy(
        delegatedScopes: ["RoleManagement.ReadWrite.Directory"],
        delegatedRoles: [.privilegedRoleAdministrator],
        applicationRoles: ["RoleManagement.ReadWrite.Directory"])

    public static let readGroups = AccessPolicy(
        delegatedScopes: ["Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        applicationRoles: ["Group.Read.All", "Group.ReadWrite.All", "GroupMember.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"])

    public static let manageGroups = AccessPolicy(
        delegatedScopes: ["Group.ReadWrite.All", "Directory.ReadWrite.All"],
        delegatedRoles: [.userAdministrator],
        applicationRoles: ["Group.ReadWrite.All", "Directory.ReadWrite.All"])

    // MARK: synchronization

    /// `GET /auditLogs/provisioning` (provisioningObjectSummary list): AuditLog.Read.All (Graph's table pairs it with
    /// Directory.Read.All) or ProvisioningLog.Read.All, and for users one of the reader or admin roles the docs list.
    public static let readProvisioningLogs = AccessPolicy(
        delegatedScopes: ["AuditLog.Read.All", "ProvisioningLog.Read.All"],
        delegatedRoles: [.reportsReader, .securityReader, .securityAdministrator, .globalReader, .securityOperator,
                         .applicationAdministrator, .cloudApplicationAdministrator],
        applicationRoles: ["AuditLog.Read.All", "ProvisioningLog.Read.All"])

    /// Reads under `…/synchronization` (jobs, templates, schema, secrets masked).
    public static let readSynchronization = AccessPolicy(
        delegatedScopes: ["Synchronization.Read.All", "Synchronization.ReadWrite.All"],
        delegatedRoles: syncAdmins,
        applicationRoles: ["Synchronization.Read.All", "Synchronization.ReadWrite.All"],
        ownedBy: .ownerOfTarget)

    /// Setting up workload identity federation, or moving what it is bound to (`SecretDestinations.bindFederation`):
    /// GraphSync's authority then vouches for the service principal, so it takes what managing the application takes.
    public static let configureFederation = manageApplication

    /// Writes under `…/synchronization`, including acquireAccessToken (seed table: delegated
    /// Synchronization.ReadWrite.All + an admin role; application OwnedBy as owner, or Synchronization.ReadWrite.All).
    public static let writeSynchronization = AccessPolicy(
        delegatedScopes: ["Synchronization.ReadWrite.All"],
        delegatedRoles: syncAdmins,
        applicationRoles: ["Synchronization.ReadWrite.All"],
        ownedBy: .ownerOfTarget)
}
