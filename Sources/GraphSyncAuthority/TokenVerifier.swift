import Foundation
import GraphSyncCore
import JWTKit

/// Validates bearer tokens on every Graph request: signature (built-in keys or a trusted issuer's JWKS),
/// algorithm, issuer, audience and lifetime (5 minutes of clock skew), and turns them into a `Caller`.
public struct TokenVerifier: Sendable {
    public let keys: SigningKeys
    /// Issuers of the built-in authority (one per address it is reachable at).
    public let localIssuers: @Sendable (String) -> Bool
    public let trustedIssuers: [TrustedIssuer]
    public let audiences: Set<String>
    public let cache: VerifiedTokenCache
    public let clockSkew: TimeInterval = 300

    public init(
        keys: SigningKeys, localIssuers: @escaping @Sendable (String) -> Bool, trustedIssuers: [TrustedIssuer],
        audiences: Set<String>, cache: VerifiedTokenCache = VerifiedTokenCache()
    ) {
        self.keys = keys
        self.localIssuers = localIssuers
        self.trustedIssuers = trustedIssuers
        self.audiences = Set(audiences.map { $0.lowercased() })
        self.cache = cache
    }

    /// A verifier over a fixed key ring.
    public init(
        keyRing: SigningKeyRing, localIssuers: @escaping @Sendable (String) -> Bool, trustedIssuers: [TrustedIssuer],
        audiences: Set<String>, cache: VerifiedTokenCache = VerifiedTokenCache()
    ) {
        self.init(keys: SigningKeys(keyRing), localIssuers: localIssuers, trustedIssuers: trustedIssuers, audiences: audiences, cache: cache)
    }

    private struct Header: Decodable {
        var alg: String?
        var kid: String?
    }

    public func verify(_ token: String, now: Date = Date()) async throws(TokenValidationFailure) -> Caller {
        guard !token.isEmpty else { throw .missing }
        if let cached = self.cache.entry(for: token, now: now) {
            // Signed by one of the authority's keys that was revoked since: verified again, and refused.
            guard let kid = cached.kid, !self.keys.current.jwks.keys.contains(where: { $0.kid == kid }) else { return cached.caller }
            self.cache.forget(token)
        }

        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URL: parts[0]),
            let header = try? JSONDecoder().decode(Header.self, from: headerData)
        else { throw .malformed }
        guard header.alg == "RS256" else { throw .unsupportedAlgorithm(header.alg ?? "none") }
        guard let unverified = try? await self.keys.current.keys.unverified(token, as: AccessTokenClaims.self) else { throw .malformed }

        let keys: JWTKeyCollection
        if self.localIssuers(unverified.iss) {
            // A key rotated on another node: this node loads it (at most every 30 s) before refusing the token.
            _ = await self.keys.knows(kid: header.kid)
            keys = self.keys.current.keys
        } else if let issuer = await self.trustedIssuer(for: unverified.iss) {
            do { keys = try await issuer.keys(for: header.kid) } catch { throw .invalidSignature }
        } else {
            throw .unknownIssuer(unverified.iss)
        }
        let claims: AccessTokenClaims
        do { claims = try await keys.verify(token, as: AccessTokenClaims.self) } catch { throw .invalidSignature }

        let seconds = now.timeIntervalSince1970
        guard Double(claims.exp) + self.clockSkew > seconds else { throw .expired }
        if let nbf = claims.nbf, Double(nbf) - self.clockSkew > seconds { throw .notYetValid }
        guard claims.aud.value.contains(where: { self.audiences.contains($0.lowercased()) }) else { throw .invalidAudience }
        guard let caller = Self.caller(from: claims) else { throw .malformed }

        self.cache.store(
            caller, for: token, kid: self.localIssuers(unverified.iss) ? header.kid : nil,
            expires: Date(timeIntervalSince1970: Double(claims.exp) + self.clockSkew), now: now)
        return caller
    }

    private func trustedIssuer(for issuer: String) async -> TrustedIssuer? {
        for trusted in self.trustedIssuers where await trusted.accepts(issuer: issuer) { return trusted }
        return nil
    }

    /// App-only when `idtyp` says so, or (tokens without `idtyp`) when there is no `scp`.
    static func caller(from claims: AccessTokenClaims) -> Caller? {
        guard let tenantId = claims.tid, let objectId = claims.oid, let client = claims.azp ?? claims.appid else { return nil }
        let isApp = claims.idtyp.map { $0 == "app" } ?? (claims.scp == nil)
        return Caller(
            kind: isApp ? .application : .delegated, tenantId: tenantId, objectId: objectId, clientAppId: client,
            roles: Set(claims.roles ?? []), scopes: isApp ? [] : Set((claims.scp ?? "").split(separator: " ").map(String.init)),
            roleTemplateIds: Set(claims.wids ?? []))
    }
}

extension Data {
    init?(base64URL: Substring) {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        self.init(base64Encoded: text)
    }
}
