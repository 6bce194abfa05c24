import Foundation
/// Who is calling: the verified identity behind a bearer token, in the terms Graph authorizes with.
public struct Caller: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// An app-only token (client credentials): permissions come from `roles`.
        case application
        /// A user signed in through a client app: permissions come from `scp`, plus directory roles in `wids`.
        case delegated
    }

    public var kind: Kind
    /// `tid`: the caller's home tenant.
    public var tenantId: String
    /// `oid`: the user's object id, or the client service principal's object id for app-only tokens.
    public var objectId: String
    /// `azp`/`appid`: the client application's appId.
    public var clientAppId: String
    /// `roles`: granted application permissions (app-only tokens).
    public var roles: Set<String>
    /// `scp`: granted delegated scopes (user tokens).
    public var scopes: Set<String>
    /// `wids`: directory role template ids held by the signed-in user.
    public var roleTemplateIds: Set<String>

    public init(
        kind: Kind, tenantId: String, objectId: String, clientAppId: String, roles: Set<String> = [], scopes: Set<String> = [],
        roleTemplateIds: Set<String> = []
    ) {
        self.kind = kind
        self.tenantId = tenantId
        self.objectId = objectId
        self.clientAppId = clientAppId
        self.roles = roles
        self.scopes = scopes
        self.roleTemplateIds = Set(roleTemplateIds.map { $0.lowercased() })
    }

    /// A personal Microsoft account (consumer) token.
    public var isPersonalAccount: Bool { self.tenantId.lowercased() == WellKnown.personalAccountTenantId }
}
