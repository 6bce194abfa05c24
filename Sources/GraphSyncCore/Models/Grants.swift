import Foundation

/// The kind of directory object that holds a grant or ownership.
public enum PrincipalType: String, Sendable, Codable, Hashable {
    case user = "User"
    case group = "Group"
    case servicePrincipal = "ServicePrincipal"
}

/// A grant of one app role of a resource service principal to a user, group or service principal (`appRoleAssignment`).
public struct AppRoleAssignment: Sendable, Codable, Hashable {
    public var id: String
    public var appRoleId: String
    public var principalId: String
    public var principalType: PrincipalType
    public var principalDisplayName: String?
    public var resourceId: String
    public var resourceDisplayName: String?
    public var createdDateTime: Date

    public init(
        id: String, appRoleId: String, principalId: String, principalType: PrincipalType, principalDisplayName: String?,
        resourceId: String, resourceDisplayName: String?, createdDateTime: Date
    ) {
        self.id = id
        self.appRoleId = appRoleId
        self.principalId = principalId
        self.principalType = principalType
        self.principalDisplayName = principalDisplayName
        self.resourceId = resourceId
        self.resourceDisplayName = resourceDisplayName
        self.createdDateTime = createdDateTime
    }
}

/// Consent for a client service principal to call a resource with delegated scopes (`oAuth2PermissionGrant`).
public struct OAuth2PermissionGrant: Sendable, Codable, Hashable {
    public var id: String
    public var clientId: String
    /// `AllPrincipals` (admin consent) or `Principal` (one user).
    public var consentType: String
    public var principalId: String?
    public var resourceId: String
    /// Space-separated scope values.
    public var scope: String

    public init(id: String, clientId: String, consentType: String, principalId: String?, resourceId: String, scope: String) {
        self.id = id
        self.clientId = clientId
        self.consentType = consentType
        self.principalId = principalId
        self.resourceId = resourceId
        self.scope = scope
    }

    public var scopes: [String] { self.scope.split(separator: " ").map(String.init) }
}

/// A directory role granted to a principal (`unifiedRoleAssignment`); feeds the `wids` claim.
public struct RoleAssignment: Sendable, Codable, Hashable {
    public var id: String
    public var roleDefinitionId: String
    public var principalId: String
    public var directoryScopeId: String

    public init(id: String, roleDefinitionId: String, principalId: String, directoryScopeId: String) {
        self.id = id
        self.roleDefinitionId = roleDefinitionId
        self.principalId = principalId
        self.directoryScopeId = directoryScopeId
    }
}

/// A directory object as seen through a reference (`owners`, `members`).
public struct DirectoryObjectSummary: Sendable, Hashable {
    public var id: String
    public var type: PrincipalType
    public var displayName: String?
    public var userPrincipalName: String?
    public var appId: String?

    public init(id: String, type: PrincipalType, displayName: String?, userPrincipalName: String? = nil, appId: String? = nil) {
        self.id = id
        self.type = type
        self.displayName = displayName
        self.userPrincipalName = userPrincipalName
        self.appId = appId
    }
}

/// The tenant this GraphSync instance serves.
public struct Tenant: Sendable, Codable, Hashable {
    public var id: String
    public var displayName: String
    public var defaultDomain: String
    /// The appId of the bootstrap admin application made on first start.
    public var bootstrapAppId: String?
    /// The object id of the bootstrap admin user made on first start.
    public var bootstrapUserId: String?

    public init(id: String, displayName: String, defaultDomain: String, bootstrapAppId: String? = nil, bootstrapUserId: String? = nil) {
        self.id = id
        self.displayName = displayName
        self.defaultDomain = defaultDomain
        self.bootstrapAppId = bootstrapAppId
        self.bootstrapUserId = bootstrapUserId
    }
}
