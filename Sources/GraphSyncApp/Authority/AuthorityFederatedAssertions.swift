import Foundation
import GraphSyncAuthority
import GraphSyncCore
import GraphSyncValidation

/// validate-app's federated assertions from a data directory: the genuine one exactly as the engine's
/// `AuthorityAssertionIssuer` signs it, and forged, expired and wrong-audience ones a token endpoint must refuse.
public struct AuthorityFederatedAssertions: FederatedAssertions {
    let servicePrincipal: ServicePrincipal
    let tenantId: String
    let issuer: String
    let ring: SigningKeyRing

    public var description: String { "issuer \(self.issuer), subject \(self.servicePrincipal.id), audience \(self.servicePrincipal.appId)" }

    public func assertion(_ kind: FederatedAssertionKind) async throws -> String {
        var audience = self.servicePrincipal.appId
        var now = Date()
        var ring = self.ring
        switch kind {
        case .genuine: break
        case .forged: ring = try await self.ring.impostor()
        case .expired: now = now.addingTimeInterval(-2 * 3600)
        case .wrongAudience: audience = "api://graphsync-validate-app/another-audience"
        }
        let grant = AccessTokenGrant(
            kind: .application, tenantId: self.tenantId, objectId: self.servicePrincipal.id, clientAppId: self.servicePrincipal.appId, audience: audience)
        return try await TokenMinter(keyRing: ring, lifetime: 3600).mint(grant, issuer: self.issuer, now: now).accessToken
    }
}

extension GraphSyncRuntime {
    /// Assertions for `servicePrincipalId` signed with this data directory's authority keys, under the issuer its
    /// server presents (the public URL's, else the listener's).
    public func federatedAssertions(servicePrincipalId: String) async throws -> AuthorityFederatedAssertions {
        guard let servicePrincipal = try await self.repositories.servicePrincipals.get(id: servicePrincipalId) else {
            throw ConfigurationError("No service principal \(servicePrincipalId) in this GraphSync: give the id of the enterprise app set up for the app.")
        }
        let endpoints = AuthorityEndpoints(
            scheme: self.configuration.scheme, host: self.configuration.host, port: self.configuration.port, tenantId: self.tenant.id,
            publicURL: self.configuration.publicURL)
        return AuthorityFederatedAssertions(
            servicePrincipal: servicePrincipal, tenantId: self.tenant.id, issuer: endpoints.canonicalIssuer,
            ring: try await SigningKeyRing.load(from: self.repositories.tenants, cipher: self.cipher))
    }
}
