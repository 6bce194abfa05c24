import Foundation

/// Signs RFC 7523 client assertions for an application's token requests — workload identity federation, as Entra
/// offers gallery apps: GraphSync's authority vouches for the enterprise app's service principal, and the app's token
/// endpoint checks the signature at GraphSync's JWKS instead of a shared client secret.
public protocol ClientAssertionIssuer: Sendable {
    /// A signed JWT for the service principal: `iss` the authority, `sub`/`oid` the service principal's object id,
    /// `aud` and `azp`/`appid` its application (client) id, `tid` the tenant, valid about an hour.
    func assertion(servicePrincipalId: String) async throws -> String
}
