import Foundation
import GraphSyncAuthority
import GraphSyncCore

/// Client assertions for workload identity federation (`ClientAssertion`), signed with the authority's current key.
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
        // Its audience would be one GraphSync's Graph API accepts: the assertion would pass as a Graph token.
        guard servicePrincipal.appId.lowercased() != WellKnown.graphAppId else {
            throw SynchronizationError.missingCredentials("Workload identity federation cannot be used for Microsoft Graph's own service principal.")
        }
        return try await ClientAssertion.sign(
            servicePrincipalId: servicePrincipal.id, appId: servicePrincipal.appId, tenantId: self.tenantId, issuer: self.issuer, with: self.keys.current)
    }
}
