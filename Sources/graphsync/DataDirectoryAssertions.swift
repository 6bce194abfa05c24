import Foundation
import GraphSyncApp
import GraphSyncAuthority
import GraphSyncCore
import GraphSyncValidation

/// validate-app's federated assertions, signed with a data directory's authority keys: the genuine one exactly as the
/// engine signs it (`ClientAssertion`), and forged, expired and wrong-audience ones a token endpoint must refuse.
struct DataDirectoryAssertions: FederatedAssertions {
    let servicePrincipal: ServicePrincipal
    let tenantId: String
    let issuer: String
    let ring: SigningKeyRing

    var description: String { "issuer \(self.issuer), subject \(self.servicePrincipal.id), audience \(self.servicePrincipal.appId)" }

    /// Assertions for `servicePrincipalId` under the issuer `runtime`'s server presents (the public URL's, else the
    /// listener's).
    static func load(_ runtime: GraphSyncRuntime, servicePrincipalId: String) async throws -> DataDirectoryAssertions {
        guard let servicePrincipal = try await runtime.repositories.servicePrincipals.get(id: servicePrincipalId) else {
            throw CommandFailure("No service principal \(servicePrincipalId) in this GraphSync: give the id of the enterprise app set up for the app.")
        }
        let configuration = runtime.configuration
        let endpoints = AuthorityEndpoints(
            scheme: configuration.scheme, host: configuration.host, port: configuration.port, tenantId: runtime.tenant.id,
            publicURL: configuration.publicURL)
        return DataDirectoryAssertions(
            servicePrincipal: servicePrincipal, tenantId: runtime.tenant.id, issuer: endpoints.canonicalIssuer,
            ring: try await SigningKeyRing.load(from: runtime.repositories.tenants, cipher: runtime.cipher))
    }

    func assertion(_ kind: FederatedAssertionKind) async throws -> String {
        var audience: String?
        var now = Date()
        var ring = self.ring
        switch kind {
        case .genuine: break
        case .forged: ring = try await self.ring.impostor()
        case .expired: now = now.addingTimeInterval(-3600)
        case .wrongAudience: audience = "api://graphsync-validate-app/another-audience"
        }
        return try await ClientAssertion.sign(
            servicePrincipalId: self.servicePrincipal.id, appId: self.servicePrincipal.appId, tenantId: self.tenantId, issuer: self.issuer,
            audience: audience, now: now, with: ring)
    }
}
