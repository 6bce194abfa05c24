import Foundation

/// A service principal (`servicePrincipal`): an application's identity in this tenant, the object that
/// holds role grants, owners, and synchronization.
public struct ServicePrincipal: Sendable, Codable, Hashable {
    public var id: String
    public var appId: String
    public var displayName: String
    public var appDisplayName: String?
    public var appOwnerOrganizationId: String?
    public var accountEnabled: Bool
    public var appRoleAssignmentRequired: Bool
    public var servicePrincipalType: String
    public var servicePrincipalNames: [String]
    public var tags: [String]
    public var notes: String?
    public var appRoles: [AppRole]
    public var oauth2PermissionScopes: [PermissionScope]
    public var passwordCredentials: [PasswordCredential]
    public var createdDateTime: Date
    /// Every other property Graph defines for service principals, as sent.
    public var properties: GraphProperties

    public init(
        id: String, appId: String, displayName: String, appDisplayName: String? = nil, appOwnerOrganizationId: String? = nil,
        accountEnabled: Bool = true, appRoleAssignmentRequired: Bool = false, servicePrincipalType: String = "Application",
        servicePrincipalNames: [String] = [], tags: [String] = [], notes: String? = nil, appRoles: [AppRole] = [],
        oauth2PermissionScopes: [PermissionScope] = [], passwordCredentials: [PasswordCredential] = [], createdDateTime: Date,
        properties: GraphProperties = GraphProperties()
    ) {
        self.id = id
        self.appId = appId
        self.displayName = displayName
        self.appDisplayName = appDisplayName
        self.appOwnerOrganizationId = appOwnerOrganizationId
        self.accountEnabled = accountEnabled
        self.appRoleAssignmentRequired = appRoleAssignmentRequired
        self.servicePrincipalType = servicePrincipalType
        self.servicePrincipalNames = servicePrincipalNames
        self.tags = tags
        self.notes = notes
        self.appRoles = appRoles
        self.oauth2PermissionScopes = oauth2PermissionScopes
        self.passwordCredentials = passwordCredentials
        self.createdDateTime = createdDateTime
        self.properties = properties
    }
}
