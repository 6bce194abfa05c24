import Foundation
/// Identifiers that Microsoft Graph and Entra use everywhere; GraphSync reuses them so tokens and
/// payloads look exactly like the real service's.
public enum WellKnown {
    /// The Microsoft Graph resource application (`00000003-0000-0000-c000-000000000000`).
    public static let graphAppId = "00000003-0000-0000-c000-000000000000"
    /// GraphSync's web console, a client of its own authority (registered at start-up).
    public static let consoleAppId = "6b5c1c8e-3f4a-4d8e-9a51-7c0e2d9f4b13"
    /// The tenant id that personal Microsoft accounts carry in `tid`.
    public static let personalAccountTenantId = "9188040d-6c67-4c5b-b112-36a304b66dad"
    /// `appRoleId` meaning "default access" when an application defines no roles.
    public static let defaultAccessAppRoleId = "00000000-0000-0000-0000-000000000000"
}

/// A Microsoft Graph permission: a delegated scope, an application role, or both, with their real IDs.
public struct GraphPermission: Sendable, Hashable {
    public let value: String
    public let delegatedId: String?
    public let applicationId: String?
    public let description: String

    public static let synchronizationReadWriteAll = GraphPermission(
        value: "Synchronization.ReadWrite.All",
        delegatedId: "7bb27fa3-ea8f-4d67-a916-87715b6188bd",
        applicationId: "9b50c33d-700f-43b1-b2eb-87e89b703581",
        description: "Read and write all Azure AD synchronization data")
    public static let synchronizationReadAll = GraphPermission(
        value: "Synchronization.Read.All",
        delegatedId: "7aa02aeb-824f-4fbe-a3f7-611f751f5b55",
        applicationId: "5ba43d2f-fa88-4db2-bd1c-a67c5f0fb1ce",
        description: "Read all Azure AD synchronization data")
    public static let applicationReadWriteOwnedBy = GraphPermission(
        value: "Application.ReadWrite.OwnedBy",
        delegatedId: nil,
        applicationId: "18a4783c-866b-4cc7-a460-3d5e5662c884",
        description: "Manage apps that this app creates or owns")
    public static let applicationReadWriteAll = GraphPermission(
        value: "Application.ReadWrite.All",
        delegatedId: "bdfbf15f-ee85-4955-8675-146e8e5296b5",
        applicationId: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        description: "Read and write all applications")
    public static let applicationReadAll = GraphPermission(
        value: "Application.Read.All",
        delegatedId: "c79f8feb-a9db-4090-85f9-90d820caa0eb",
        applicationId: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        description: "Read all applications")
    public static let directoryReadWriteAll = GraphPermission(
        value: "Directory.ReadWrite.All",
        delegatedId: "c5366453-9fb0-48a5-a156-24f0c49a4b84",
        applicationId: "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
        description: "Read and write directory data")
    public static let directoryReadAll = GraphPermission(
        value: "Directory.Read.All",
        delegatedId: "06da0dbc-49e2-44d2-8312-53f166ab848a",
        applicationId: "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        description: "Read directory data")
    public static let userReadWriteAll = GraphPermission(
        value: "User.ReadWrite.All",
        delegatedId: "204e0828-b5ca-4ad8-b9f3-f32a958e7cc4",
        applicationId: "741f803b-c850-494e-b5df-cde7c675a1ca",
        description: "Read and write all users' full profiles")
    public static let userRevokeSessionsAll = GraphPermission(
        value: "User.RevokeSessions.All",
        delegatedId: "fc30e98b-8810-4501-81f5-c20a3196387b",
        applicationId: "77f3a031-c388-4f99-b373-dc68676a979e",
        description: "Revoke all sign in sessions for a user")
    public static let userRead = GraphPermission(
        value: "User.Read",
        delegatedId: "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
        applicationId: nil,
        description: "Sign in and read user profile")
    public static let userReadAll = GraphPermission(
        value: "User.Read.All",
        delegatedId: "a154be20-db9c-4678-8ab7-66f6cc099a59",
        applicationId: "df021288-bdef-4463-88db-98f22de89214",
        description: "Read all users' full profiles")
    public static let groupReadWriteAll = GraphPermission(
        value: "Group.ReadWrite.All",
        delegatedId: "4e46008b-f24c-477d-8fff-7bb4ec7aafe0",
        applicationId: "62a82d76-70ea-41e2-9197-370581804d09",
        description: "Read and write all groups")
    public static let groupReadAll = GraphPermission(
        value: "Group.Read.All",
        delegatedId: "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
        applicationId: "5b567255-7703-4780-807c-7be8301ae99b",
        description: "Read all groups")
    public static let groupMemberReadAll = GraphPermission(
        value: "GroupMember.Read.All",
        delegatedId: "bc024368-1153-4739-b217-4326f2e966d0",
        applicationId: "98830695-27a2-44f7-8c18-0c3ebc9698f6",
        description: "Read all group memberships")
    public static let appRoleAssignmentReadWriteAll = GraphPermission(
        value: "AppRoleAssignment.ReadWrite.All",
        delegatedId: "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
        applicationId: "06b708a9-e830-4db3-a914-8e69da51d44f",
        description: "Manage app permission grants and app role assignments")
    public static let delegatedPermissionGrantReadWriteAll = GraphPermission(
        value: "DelegatedPermissionGrant.ReadWrite.All",
        delegatedId: "41ce6ca6-6826-4807-84f1-1c82854f7ee5",
        applicationId: "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
        description: "Manage all delegated permission grants")
    public static let roleManagementReadWriteDirectory = GraphPermission(
        value: "RoleManagement.ReadWrite.Directory",
        delegatedId: "d01b97e9-cbc0-49fe-810a-750afd5527a3",
        applicationId: "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
        description: "Read and write all directory RBAC settings")

    public static let auditLogReadAll = GraphPermission(
        value: "AuditLog.Read.All",
        delegatedId: "e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20",
        applicationId: "b0afded3-3588-46d8-8b3d-9842eff778da",
        description: "Read all audit log data")
    public static let provisioningLogReadAll = GraphPermission(
        value: "ProvisioningLog.Read.All",
        delegatedId: "95aec97b-cf27-4a8d-a67d-42f60b5b38ef",
        applicationId: "091937d3-3e38-47a1-8649-b2f99d3035f1",
        description: "Read all provisioning log data")
    public static let userPasswordProfileReadWriteAll = GraphPermission(
        value: "User-PasswordProfile.ReadWrite.All",
        delegatedId: "56760768-b641-451f-8906-e1b8ab31bca7",
        applicationId: "cc117bb9-00cf-4eb8-b580-ea2a878fe8f7",
        description: "Read and write all password profiles and reset user passwords")
    public static let organizationReadAll = GraphPermission(
        value: "Organization.Read.All",
        delegatedId: "4908d5b9-3fb2-4b1e-9336-1888b7937185",
        applicationId: "498476ce-e0fe-48b0-b801-37ba7e2685c6",
        description: "Read organization information")
    public static let domainReadAll = GraphPermission(
        value: "Domain.Read.All",
        delegatedId: "2f9ee017-59c1-4f1d-9472-bd5529a7b311",
        applicationId: "dbb9058a-0e50-45d7-ae91-66909b5d4664",
        description: "Read domains")

    /// Every permission the built-in Microsoft Graph service principal publishes.
    public static let all: [GraphPermission] = [
        .synchronizationReadWriteAll, .synchronizationReadAll, .applicationReadWriteOwnedBy,
        .applicationReadWriteAll, .applicationReadAll, .directoryReadWriteAll, .directoryReadAll,
        .userReadWriteAll, .userReadAll, .userRead, .userRevokeSessionsAll, .groupReadWriteAll, .groupReadAll, .groupMemberReadAll, .appRoleAssignmentReadWriteAll,
        .delegatedPermissionGrantReadWriteAll, .roleManagementReadWriteDirectory, .auditLogReadAll, .provisioningLogReadAll,
        .userPasswordProfileReadWriteAll, .organizationReadAll, .domainReadAll,
    ]

    public static func named(_ value: String) -> GraphPermission? {
        self.all.first { $0.value.caseInsensitiveCompare(value) == .orderedSame }
    }
}

/// A built-in Entra directory role, identified by its template id (the value that appears in `wids`).
public struct DirectoryRoleTemplate: Sendable, Hashable {
    public let id: String
    public let displayName: String
    public let description: String

    public static let globalAdministrator = DirectoryRoleTemplate(
        id: "62e90394-69f5-4237-9190-012177145e10", displayName: "Global Administrator",
        description: "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.")
    public static let applicationAdministrator = DirectoryRoleTemplate(
        id: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", displayName: "Application Administrator",
        description: "Can create and manage all aspects of app registrations and enterprise apps.")
    public static let cloudApplicationAdministrator = DirectoryRoleTemplate(
        id: "158c047a-c907-4556-b7ef-446551a6b5f7", displayName: "Cloud Application Administrator",
        description: "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.")
    public static let hybridIdentityAdministrator = DirectoryRoleTemplate(
        id: "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", displayName: "Hybrid Identity Administrator",
        description: "Can manage Microsoft Entra Connect and Microsoft Entra Cloud Sync configuration.")
    public static let userAdministrator = DirectoryRoleTemplate(
        id: "fe930be7-5e62-47db-91af-98c3a49a38b1", displayName: "User Administrator",
        description: "Can manage all aspects of users and groups.")
    public static let privilegedRoleAdministrator = DirectoryRoleTemplate(
        id: "e8611ab8-c189-46e8-94e1-60213ab1f814", displayName: "Privileged Role Administrator",
        description: "Can manage role assignments in Microsoft Entra ID.")

    public static let privilegedAuthenticationAdministrator = DirectoryRoleTemplate(
        id: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", displayName: "Privileged Authentication Administrator",
        description: "Can access to view, set and reset authentication method information for any user (admin or non-admin).")
    public static let authenticationAdministrator = DirectoryRoleTemplate(
        id: "c4e39bd9-1100-46d3-8c65-fb160da0071f", displayName: "Authentication Administrator",
        description: "Can access to view, set and reset authentication method information for any non-admin user.")
    public static let helpdeskAdministrator = DirectoryRoleTemplate(
        id: "729827e3-9c14-49f7-bb1b-9608f156bbb8", displayName: "Helpdesk Administrator",
        description: "Can reset passwords for non-administrators and Helpdesk Administrators.")
    public static let passwordAdministrator = DirectoryRoleTemplate(
        id: "966707d0-3269-4727-9be2-8c3a10f19b9d", displayName: "Password Administrator",
        description: "Can reset passwords for non-administrators and Password Administrators.")
    public static let groupsAdministrator = DirectoryRoleTemplate(
        id: "fdd7a751-b60b-444a-984c-02652fe8fa1c", displayName: "Groups Administrator",
        description: "Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.")
    public static let globalReader = DirectoryRoleTemplate(
        id: "f2ef992c-3afb-46b9-b7cf-a126ee74c451", displayName: "Global Reader",
        description: "Can read everything that a Global Administrator can, but not update anything.")
    public static let reportsReader = DirectoryRoleTemplate(
        id: "4a5d8f65-41da-4de4-8968-e035b65339cf", displayName: "Reports Reader",
        description: "Can read sign-in and audit reports.")
    public static let securityReader = DirectoryRoleTemplate(
        id: "5d6b6bb7-de71-4623-b4af-96380a352509", displayName: "Security Reader",
        description: "Can read security information and reports in Microsoft Entra ID and Office 365.")
    public static let securityAdministrator = DirectoryRoleTemplate(
        id: "194ae4cb-b126-40b2-bd5b-6091b380977d", displayName: "Security Administrator",
        description: "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.")
    public static let securityOperator = DirectoryRoleTemplate(
        id: "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", displayName: "Security Operator",
        description: "Creates and manages security events.")
    public static let directoryReaders = DirectoryRoleTemplate(
        id: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", displayName: "Directory Readers",
        description: "Can read basic directory information. Commonly used to grant directory read access to applications and guests.")
    public static let guestInviter = DirectoryRoleTemplate(
        id: "95e79109-95c0-4d8e-aee3-d01accf2d47b", displayName: "Guest Inviter",
        description: "Can invite guest users independent of the 'members can invite guests' setting.")
    public static let messageCenterReader = DirectoryRoleTemplate(
        id: "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b", displayName: "Message Center Reader",
        description: "Can read messages and updates for their organization in Office 365 Message Center only.")

    public static let all: [DirectoryRoleTemplate] = [
        .globalAdministrator, .applicationAdministrator, .cloudApplicationAdministrator,
        .hybridIdentityAdministrator, .userAdministrator, .privilegedRoleAdministrator,
        .privilegedAuthenticationAdministrator, .authenticationAdministrator, .helpdeskAdministrator, .passwordAdministrator,
        .groupsAdministrator, .globalReader, .reportsReader, .securityReader, .securityAdministrator, .securityOperator,
        .directoryReaders, .guestInviter, .messageCenterReader,
    ]

    public static func withId(_ id: String) -> DirectoryRoleTemplate? {
        self.all.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    public static func named(_ name: String) -> DirectoryRoleTemplate? {
        self.all.first { $0.displayName.caseInsensitiveCompare(name) == .orderedSame }
    }
}
