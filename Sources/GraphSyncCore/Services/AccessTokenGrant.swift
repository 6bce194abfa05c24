import Foundation
/// What an issued access token asserts, before it is signed: the subject and its granted permissions.
public struct AccessTokenGrant: Sendable, Hashable {
    public var kind: Caller.Kind
    public var tenantId: String
    /// `oid`: the user, or the client's service principal for app-only tokens.
    public var objectId: String
    public var clientAppId: String
    /// The resource the token is for (`aud`).
    public var audience: String
    public var roles: [String]
    public var scopes: [String]
    public var roleTemplateIds: [String]
    /// The user's name for delegated tokens (`name`, `preferred_username`).
    public var userName: String?
    public var userPrincipalName: String?

    public init(
        kind: Caller.Kind, tenantId: String, objectId: String, clientAppId: String, audience: String, roles: [String] = [],
        scopes: [String] = [], roleTemplateIds: [String] = [], userName: String? = nil, userPrincipalName: String? = nil
    ) {
        self.kind = kind
        self.tenantId = tenantId
        self.objectId = objectId
        self.clientAppId = clientAppId
        self.audience = audience
        self.roles = roles
        self.scopes = scopes
        self.roleTemplateIds = roleTemplateIds
        self.userName = userName
        self.userPrincipalName = userPrincipalName
    }
}
