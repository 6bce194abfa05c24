import Crypto
import Foundation
import GraphSyncCore

/// Turns an `AccessTokenGrant` into a signed v2 access token.
public struct TokenMinter: Sendable {
    public let keyRing: SigningKeyRing
    /// Token lifetime; Entra's default for Graph is about an hour.
    public let lifetime: TimeInterval

    public init(keyRing: SigningKeyRing, lifetime: TimeInterval = 3599) {
        self.keyRing = keyRing
        self.lifetime = lifetime
    }

    public struct MintedToken: Sendable {
        public var accessToken: String
        public var expiresIn: Int
    }

    /// - Parameters:
    ///   - grant: what the token asserts.
    ///   - issuer: `https://HOST:PORT/{tid}/v2.0`, as the client addressed the authority.
    public func mint(_ grant: AccessTokenGrant, issuer: String, now: Date = Date()) async throws -> MintedToken {
        let issuedAt = Int(now.timeIntervalSince1970)
        let expiresIn = Int(self.lifetime)
        let isApp = grant.kind == .application
        let claims = AccessTokenClaims(
            aud: grant.audience, iss: issuer, iat: issuedAt, nbf: issuedAt, exp: issuedAt + expiresIn, tid: grant.tenantId,
            oid: grant.objectId, sub: isApp ? grant.objectId : Self.pairwiseSubject(user: grant.objectId, app: grant.clientAppId),
            azp: grant.clientAppId, idtyp: isApp ? "app" : "user", roles: grant.roles.isEmpty ? nil : grant.roles,
            scp: isApp || grant.scopes.isEmpty ? nil : grant.scopes.joined(separator: " "),
            wids: grant.roleTemplateIds.isEmpty ? nil : grant.roleTemplateIds, name: grant.userName,
            preferredUsername: grant.userPrincipalName, uti: Identifiers.permissionGrantId().prefix(22).description)
        return MintedToken(accessToken: try await self.keyRing.sign(claims), expiresIn: expiresIn)
    }

    /// `sub` for user tokens is pairwise: stable per user and client app, different across apps.
    static func pairwiseSubject(user: String, app: String) -> String {
        String(Data(SHA256.hash(data: Data((user + "|" + app).utf8))).base64URLEncoded.prefix(43))
    }
}
