import Foundation
import GraphSyncAuthority
import GraphSyncCore

/// Client assertions for workload identity federation, signed with the authority's current key: an app-only v2 access
/// token for the enterprise app's service principal, whose audience is its own application id (as Entra's federated
/// provisioning tokens are), verifiable at the authority's JWKS (`/{tenant}/discovery/v2.0/keys`).
struct AuthorityAssertionIssuer: ClientAssertionIssuer {
    let repositories: Repositories
    let keys: SigningKeys
    let tenantId: String
    /// The issuer the app's token endpoint trusts: the public URL's, else the canonical listener's.
    let issuer: String

    func assertion(servicePrincipalId: String) async throws -> String {
        guard let servicePrincipal = try await self.repositories.servicePrincipals.get(id: servicePrincipalId) else {
            throw DirectoryError.notFound(id: servicePrincipalId)
        }
        let grant = AccessTokenGrant(
            kind: .application, tenantId: self.tenantId, objectId: servicePrincipal.id, clientAppId: servicePrincipal.appId,
            audience: servicePrincipal.appId)
        return try await TokenMinter(keys: self.keys, lifetime: 3600).mint(grant, issuer: self.issuer).accessToken
    }
}
