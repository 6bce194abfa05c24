import Foundation
import GraphSyncCore
import JWTKit

/// The claims of a v2 ID token (OpenID Connect Core §2, with Entra's `oid`, `tid` and `preferred_username`).
public struct IDTokenClaims: JWTPayload, Equatable {
    public var aud: AudienceClaim
    public var iss: String
    public var iat: Int
    public var nbf: Int
    public var exp: Int
    public var sub: String
    public var oid: String
    public var tid: String
    public var nonce: String?
    public var name: String
    public var preferred_username: String
    public var email: String?
    public var auth_time: Int
    public var ver = "2.0"

    public init(_ grant: IDTokenGrant, issuer: String, issuedAt: Int, lifetime: Int) {
        self.aud = AudienceClaim(value: [grant.clientId])
        self.iss = issuer
        self.iat = issuedAt
        self.nbf = issuedAt
        self.exp = issuedAt + lifetime
        self.sub = TokenMinter.pairwiseSubject(user: grant.userId, app: grant.clientId)
        self.oid = grant.userId
        self.tid = grant.tenantId
        self.nonce = grant.nonce
        self.name = grant.name
        self.preferred_username = grant.preferredUsername
        self.email = grant.email
        self.auth_time = Int(grant.authTime.timeIntervalSince1970)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension TokenMinter {
    /// A signed ID token for `grant`, valid as long as an access token.
    public func idToken(for grant: IDTokenGrant, issuer: String, now: Date = Date()) async throws -> String {
        try await self.keys.current.sign(IDTokenClaims(grant, issuer: issuer, issuedAt: Int(now.timeIntervalSince1970), lifetime: Int(self.lifetime)))
    }

    /// `client_info` as Entra returns it: base64url JSON `{"uid": oid, "utid": tid}` (msal keys its accounts by it).
    public static func clientInfo(userId: String, tenantId: String) -> String {
        let json = JSONValue.object([("uid", .string(userId)), ("utid", .string(tenantId))]).serialized()
        return Data(json).base64URLEncoded
    }
}
