import Crypto
import Foundation
import Synchronization
import GraphSyncCore

/// Turns an `AccessTokenGrant` into a signed v2 access token.
public struct TokenMinter: Sendable {
    public let keys: SigningKeys
    /// Token lifetime; Entra's default for Graph is about an hour.
    public let lifetime: TimeInterval
    private let recent: RecentTokens

    public init(keys: SigningKeys, lifetime: TimeInterval = 3599, reuseWindow: TimeInterval = 300) {
        self.keys = keys
        self.lifetime = lifetime
        self.recent = RecentTokens(window: reuseWindow)
    }

    /// A minter over a fixed key ring.
    public init(keyRing: SigningKeyRing, lifetime: TimeInterval = 3599, reuseWindow: TimeInterval = 300) {
        self.init(keys: SigningKeys(keyRing), lifetime: lifetime, reuseWindow: reuseWindow)
    }

    public struct MintedToken: Sendable {
        public var accessToken: String
        public var expiresIn: Int
    }

    /// A token for `grant`, reusing one minted for the identical grant and issuer in the last `reuseWindow` seconds
    /// (its `expires_in` then counts down). Any change to the grant's claims — a role granted or revoked — mints anew.
    public func token(for grant: AccessTokenGrant, issuer: String, now: Date = Date()) async throws -> MintedToken {
        // Only a token signed by the key signing now: none from a key rotated out or revoked since.
        let kid = self.keys.current.currentKid
        if let reused = self.recent.token(for: grant, issuer: issuer, kid: kid, now: now) { return reused }
        let minted = try await self.mint(grant, issuer: issuer, now: now)
        self.recent.store(minted, for: grant, issuer: issuer, kid: kid, now: now)
        return minted
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
        return MintedToken(accessToken: try await self.keys.current.sign(claims), expiresIn: expiresIn)
    }

    /// `sub` for user tokens is pairwise: stable per user and client app, different across apps.
    static func pairwiseSubject(user: String, app: String) -> String {
        String(Data(SHA256.hash(data: Data((user + "|" + app).utf8))).base64URLEncoded.prefix(43))
    }
}

/// Tokens minted in the last few minutes, by grant and issuer (bounded).
final class RecentTokens: Sendable {
    private struct Key: Hashable {
        var grant: AccessTokenGrant
        var issuer: String
    }

    private let window: TimeInterval
    private let entries = Mutex<[Key: (token: String, kid: String, issuedAt: Date, expiresAt: Date)]>([:])

    init(window: TimeInterval) { self.window = window }

    func token(for grant: AccessTokenGrant, issuer: String, kid: String, now: Date) -> TokenMinter.MintedToken? {
        self.entries.withLock { entries in
            guard let entry = entries[Key(grant: grant, issuer: issuer)], entry.kid == kid, now.timeIntervalSince(entry.issuedAt) < self.window,
                entry.issuedAt <= now
            else { return nil }
            return TokenMinter.MintedToken(accessToken: entry.token, expiresIn: Int(entry.expiresAt.timeIntervalSince(now)))
        }
    }

    func store(_ token: TokenMinter.MintedToken, for grant: AccessTokenGrant, issuer: String, kid: String, now: Date) {
        self.entries.withLock { entries in
            if entries.count >= 1024 { entries = entries.filter { now.timeIntervalSince($0.value.issuedAt) < self.window } }
            if entries.count >= 1024 { entries.removeAll() }
            entries[Key(grant: grant, issuer: issuer)] = (token.accessToken, kid, now, now.addingTimeInterval(TimeInterval(token.expiresIn)))
        }
    }
}
