import Foundation
import GraphSyncCore
import JWTKit

/// The client assertions (RFC 7523 §2.2) GraphSync's authority signs for workload identity federation: a token
/// endpoint checks them at the authority's JWKS instead of a client secret. Short-lived and unique (`jti`), so a copy
/// is worth little; its audience is the enterprise app's own application id (as Entra's federated provisioning tokens
/// carry the workload app's id), never an audience GraphSync's own Graph API accepts.
public enum ClientAssertion {
    /// Five minutes: the assertion is presented at once.
    public static let lifetime = 300

    public struct Claims: JWTPayload, Equatable {
        public var iss: String
        public var sub: String
        public var aud: AudienceClaim
        public var iat: Int
        public var nbf: Int
        public var exp: Int
        public var jti: String
        public var tid: String
        public var oid: String
        public var azp: String
        public var appid: String
        public var idtyp = "app"
        public var ver = "2.0"

        public func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Signs an assertion for the service principal (`sub`, `oid`) of application `appId` (`azp`, `appid`, and `aud`
    /// unless another `audience` is given), issued by `issuer` at `now`.
    public static func sign(
        servicePrincipalId: String, appId: String, tenantId: String, issuer: String, audience: String? = nil, now: Date = Date(),
        with ring: SigningKeyRing
    ) async throws -> String {
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims = Claims(
            iss: issuer, sub: servicePrincipalId, aud: AudienceClaim(value: [audience ?? appId]), iat: issuedAt, nbf: issuedAt,
            exp: issuedAt + Self.lifetime, jti: UUID().uuidString.lowercased(), tid: tenantId, oid: servicePrincipalId, azp: appId, appid: appId)
        return try await ring.sign(claims)
    }
}
