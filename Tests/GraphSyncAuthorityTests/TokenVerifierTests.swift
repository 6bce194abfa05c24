import Crypto
import CryptoExtras
import Foundation
@testable import GraphSyncAuthority
import GraphSyncCore
import JWTKit
import Testing

/// Key storage for `SigningKeyRing.load` without a database: a test double of `TenantRepository`.
actor InMemoryTenantRepository: TenantRepository {
    private var storedTenant: Tenant?
    private var keys: [StoredSigningKey]

    init(keys: [StoredSigningKey] = []) { self.keys = keys }

    func tenant() -> Tenant? { self.storedTenant }
    func save(_ tenant: Tenant) { self.storedTenant = tenant }
    func signingKeys() -> [StoredSigningKey] { self.keys.sorted { $0.createdDateTime > $1.createdDateTime } }
    func addSigningKey(_ key: StoredSigningKey) { self.keys.append(key) }
    func deleteSigningKey(kid: String) { self.keys.removeAll { $0.kid == kid } }
}

/// Keys, issuer and helpers shared by the token tests. RSA keys are generated once per test process.
enum TokenFixture {
    static let cipher = SecretCipher(key: SymmetricKey(data: Data(repeating: 0x42, count: 32)))
    static let primaryKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static let tenantId = "8f1f4b0e-5f0c-4c7e-9a57-3f2b8f3b6a11"
    static let issuer = "https://localhost:8443/\(tenantId)/v2.0"
    static let audience = "https://graph.microsoft.com"
    static let clientAppId = "1a2b3c4d-0000-4000-8000-00000000c1e7"
    static let objectId = "0b0b0b0b-1111-4222-8333-444455556666"
    /// A fixed instant (2025-06-15): tokens are minted and verified at explicit times, never the wall clock.
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func stored(_ key: _RSA.Signing.PrivateKey, created: Date) throws -> StoredSigningKey {
        let kid = SigningKeyRing.keyId(for: key.publicKey)
        return StoredSigningKey(kid: kid, sealedPrivateKey: try cipher.seal(key.pemRepresentation, context: SealContext.signingKey(kid: kid)), createdDateTime: created)
    }

    /// A key ring over the given keys (as if already stored), newest first.
    static func ring(_ keys: [(_RSA.Signing.PrivateKey, Date)]) async throws -> SigningKeyRing {
        let repository = InMemoryTenantRepository(keys: try keys.map { try Self.stored($0.0, created: $0.1) })
        return try await SigningKeyRing.load(from: repository, cipher: Self.cipher)
    }

    static func primaryRing() async throws -> SigningKeyRing { try await Self.ring([(Self.primaryKey, Self.t0)]) }

    static func verifier(_ ring: SigningKeyRing, audiences: Set<String> = [audience], cache: VerifiedTokenCache = VerifiedTokenCache())
        -> TokenVerifier
    {
        TokenVerifier(keyRing: ring, localIssuers: { $0 == Self.issuer }, trustedIssuers: [], audiences: audiences, cache: cache)
    }

    static func appGrant(audience: String = audience, roles: [String] = ["Application.ReadWrite.All", "Synchronization.ReadWrite.All"])
        -> AccessTokenGrant
    {
        AccessTokenGrant(kind: .application, tenantId: tenantId, objectId: objectId, clientAppId: clientAppId, audience: audience, roles: roles)
    }

    static func mint(_ ring: SigningKeyRing, _ grant: AccessTokenGrant = appGrant(), issuer: String = issuer, at now: Date = t0) async throws
        -> String
    {
        try await TokenMinter(keyRing: ring).mint(grant, issuer: issuer, now: now).accessToken
    }

    static func claims(exp: Date) -> AccessTokenClaims {
        let seconds = Int(exp.timeIntervalSince1970)
        return AccessTokenClaims(
            aud: audience, iss: issuer, iat: seconds - 3600, nbf: seconds - 3600, exp: seconds, tid: tenantId, oid: objectId, sub: objectId,
            azp: clientAppId, idtyp: "app", roles: ["Directory.Read.All"], scp: nil, wids: nil, name: nil, preferredUsername: nil, uti: "uti")
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URL(json: [String: Any]) throws -> String {
        Self.base64URL(try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
    }

    static func decodeSegment(_ segment: Substring) throws -> [String: Any] {
        var text = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        let data = try #require(Data(base64Encoded: text))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A valid-looking claims payload (as JSON) for hand-made tokens.
    static func payloadJSON(exp: Date = t0.addingTimeInterval(3600)) -> [String: Any] {
        [
            "aud": audience, "iss": issuer, "iat": Int(t0.timeIntervalSince1970), "nbf": Int(t0.timeIntervalSince1970),
            "exp": Int(exp.timeIntervalSince1970), "tid": tenantId, "oid": objectId, "sub": objectId, "azp": clientAppId, "idtyp": "app",
            "roles": ["Directory.ReadWrite.All"], "ver": "2.0",
        ]
    }
}

@Suite("Signing keys and token verification")
struct TokenVerifierTests {
    typealias F = TokenFixture

    // MARK: - Key ring

    @Test func keyRingCreatesAndPersistsItsFirstKey() async throws {
        let repository = InMemoryTenantRepository()
        let ring = try await SigningKeyRing.load(from: repository, cipher: F.cipher)
        let stored = await repository.signingKeys()
        #expect(stored.count == 1)
        let key = try #require(stored.first)
        #expect(key.kid == ring.currentKid)
        #expect(key.sealedPrivateKey.hasPrefix("v2:"))
        #expect(!key.sealedPrivateKey.contains("PRIVATE KEY"))
        let pem = try F.cipher.open(key.sealedPrivateKey, context: SealContext.signingKey(kid: key.kid))
        let privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
        #expect(SigningKeyRing.keyId(for: privateKey.publicKey) == key.kid)
        #expect(ring.jwks.keys.map(\.kid) == [key.kid])
        let published = try #require(ring.jwks.keys.first)
        #expect(published.kty == "RSA")
        #expect(published.alg == "RS256")
        #expect(published.use == "sig")
        #expect(published.e == "AQAB")
        #expect(!published.n.contains("=") && !published.n.contains("+") && !published.n.contains("/"))

        // Loading again reuses the stored key.
        let again = try await SigningKeyRing.load(from: repository, cipher: F.cipher)
        #expect(again.currentKid == ring.currentKid)
        #expect(await repository.signingKeys().count == 1)
        // Tokens from one load verify with the other (same key).
        let token = try await F.mint(ring)
        #expect(try await F.verifier(again).verify(token, now: F.t0).objectId == F.objectId)
        // A wrong secret-at-rest key cannot open the stored key.
        await #expect(throws: SecretCipher.Failure.self) {
            _ = try await SigningKeyRing.load(from: repository, cipher: SecretCipher(key: SymmetricKey(size: .bits256)))
        }
    }

    @Test func newestKeySignsAndOlderKeysStillVerify() async throws {
        let oldRing = try await F.ring([(F.primaryKey, F.t0)])
        let rotated = try await F.ring([(F.primaryKey, F.t0), (F.otherKey, F.t0.addingTimeInterval(86_400))])
        let newKid = SigningKeyRing.keyId(for: F.otherKey.publicKey)
        let oldKid = SigningKeyRing.keyId(for: F.primaryKey.publicKey)
        #expect(rotated.currentKid == newKid)
        #expect(rotated.jwks.keys.map(\.kid) == [newKid, oldKid])

        let newToken = try await F.mint(rotated)
        let header = try F.decodeSegment(newToken.split(separator: ".")[0])
        #expect(header["kid"] as? String == newKid)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")

        let oldToken = try await F.mint(oldRing)
        let verifier = F.verifier(rotated)
        #expect(try await verifier.verify(oldToken, now: F.t0).kind == .application)
        #expect(try await verifier.verify(newToken, now: F.t0).kind == .application)
        // The old ring does not know the new key.
        await #expect(throws: TokenValidationFailure.invalidSignature) { try await F.verifier(oldRing).verify(newToken, now: F.t0) }
    }

    // MARK: - Accepted tokens

    @Test func appTokenBecomesApplicationCaller() async throws {
        let ring = try await F.primaryRing()
        let token = try await F.mint(ring)
        let caller = try await F.verifier(ring).verify(token, now: F.t0.addingTimeInterval(60))
        #expect(caller.kind == .application)
        #expect(caller.tenantId == F.tenantId)
        #expect(caller.objectId == F.objectId)
        #expect(caller.clientAppId == F.clientAppId)
        #expect(caller.roles == ["Application.ReadWrite.All", "Synchronization.ReadWrite.All"])
        #expect(caller.scopes.isEmpty)
        #expect(caller.roleTemplateIds.isEmpty)

        let payload = try F.decodeSegment(token.split(separator: ".")[1])
        #expect(payload["iss"] as? String == F.issuer)
        #expect(payload["idtyp"] as? String == "app")
        #expect(payload["exp"] as? Int == Int(F.t0.timeIntervalSince1970) + 3599)
        #expect(payload["scp"] == nil)
    }

    @Test func delegatedTokenCarriesScopesAndDirectoryRoles() async throws {
        let ring = try await F.primaryRing()
        let grant = AccessTokenGrant(
            kind: .delegated, tenantId: F.tenantId, objectId: F.objectId, clientAppId: F.clientAppId, audience: F.audience,
            scopes: ["User.Read", "Application.ReadWrite.All"],
            roleTemplateIds: [DirectoryRoleTemplate.globalAdministrator.id.uppercased(), DirectoryRoleTemplate.applicationAdministrator.id],
            userName: "Alice", userPrincipalName: "alice@contoso.test")
        let token = try await F.mint(ring, grant)
        let caller = try await F.verifier(ring).verify(token, now: F.t0)
        #expect(caller.kind == .delegated)
        #expect(caller.objectId == F.objectId)
        #expect(caller.clientAppId == F.clientAppId)
        #expect(caller.scopes == ["User.Read", "Application.ReadWrite.All"])
        #expect(caller.roles.isEmpty)
        #expect(caller.roleTemplateIds == [DirectoryRoleTemplate.globalAdministrator.id, DirectoryRoleTemplate.applicationAdministrator.id])

        let payload = try F.decodeSegment(token.split(separator: ".")[1])
        #expect(payload["idtyp"] as? String == "user")
        #expect(payload["preferred_username"] as? String == "alice@contoso.test")
        #expect(payload["sub"] as? String != F.objectId)
    }

    @Test func callerKindFallsBackToScpWithoutIdtyp() {
        var claims = F.claims(exp: F.t0)
        claims.idtyp = nil
        claims.scp = nil
        #expect(TokenVerifier.caller(from: claims)?.kind == .application)
        claims.scp = "User.Read Mail.Read"
        let delegated = TokenVerifier.caller(from: claims)
        #expect(delegated?.kind == .delegated)
        #expect(delegated?.scopes == ["User.Read", "Mail.Read"])
        claims.azp = nil
        claims.appid = "from-appid"
        #expect(TokenVerifier.caller(from: claims)?.clientAppId == "from-appid")
        claims.oid = nil
        #expect(TokenVerifier.caller(from: claims) == nil)
    }

    // MARK: - Lifetime

    @Test func expiryHonoursFiveMinutesOfSkew() async throws {
        let ring = try await F.primaryRing()
        let token = try await F.mint(ring)
        let exp = F.t0.addingTimeInterval(3599)
        await #expect(throws: TokenValidationFailure.expired) { try await F.verifier(ring).verify(token, now: exp.addingTimeInterval(301)) }
        await #expect(throws: TokenValidationFailure.expired) { try await F.verifier(ring).verify(token, now: exp.addingTimeInterval(300)) }
        await #expect(throws: TokenValidationFailure.expired) { try await F.verifier(ring).verify(token, now: exp.addingTimeInterval(86_400)) }
        #expect(try await F.verifier(ring).verify(token, now: exp.addingTimeInterval(299)).objectId == F.objectId)
        #expect(try await F.verifier(ring).verify(token, now: exp.addingTimeInterval(1)).objectId == F.objectId)
    }

    @Test func notBeforeHonoursFiveMinutesOfSkew() async throws {
        let ring = try await F.primaryRing()
        let early = try await F.mint(ring, at: F.t0.addingTimeInterval(301))
        await #expect(throws: TokenValidationFailure.notYetValid) { try await F.verifier(ring).verify(early, now: F.t0) }
        let farFuture = try await F.mint(ring, at: F.t0.addingTimeInterval(7200))
        await #expect(throws: TokenValidationFailure.notYetValid) { try await F.verifier(ring).verify(farFuture, now: F.t0) }
        let slightlyEarly = try await F.mint(ring, at: F.t0.addingTimeInterval(299))
        #expect(try await F.verifier(ring).verify(slightlyEarly, now: F.t0).kind == .application)
    }

    // MARK: - Rejected tokens

    @Test func wrongAudienceIsRejected() async throws {
        let ring = try await F.primaryRing()
        let other = try await F.mint(ring, F.appGrant(audience: "api://someone-else"))
        await #expect(throws: TokenValidationFailure.invalidAudience) { try await F.verifier(ring).verify(other, now: F.t0) }
        // Audiences compare case-insensitively, and any configured audience is accepted.
        let shouting = try await F.mint(ring, F.appGrant(audience: F.audience.uppercased()))
        #expect(try await F.verifier(ring).verify(shouting, now: F.t0).kind == .application)
        let graphAppId = try await F.mint(ring, F.appGrant(audience: WellKnown.graphAppId))
        #expect(try await F.verifier(ring, audiences: [F.audience, WellKnown.graphAppId]).verify(graphAppId, now: F.t0).kind == .application)
        await #expect(throws: TokenValidationFailure.invalidAudience) { try await F.verifier(ring).verify(graphAppId, now: F.t0) }
    }

    @Test func unknownIssuerIsRejected() async throws {
        let ring = try await F.primaryRing()
        let issuer = "https://evil.example/\(F.tenantId)/v2.0"
        let token = try await F.mint(ring, issuer: issuer)
        await #expect(throws: TokenValidationFailure.unknownIssuer(issuer)) { try await F.verifier(ring).verify(token, now: F.t0) }
    }

    @Test func foreignSignatureWithOurIssuerIsRejected() async throws {
        let ring = try await F.primaryRing()
        let verifier = F.verifier(ring)

        // Another key ring (unknown kid) claiming to be us.
        let impostor = try await F.ring([(F.otherKey, F.t0)])
        let unknownKid = try await F.mint(impostor)
        await #expect(throws: TokenValidationFailure.invalidSignature) { try await verifier.verify(unknownKid, now: F.t0) }

        // Another key under our own kid.
        let sameKid = try await JWTKeyCollection().add(
            rsa: Insecure.RSA.PrivateKey(pem: F.otherKey.pemRepresentation), digestAlgorithm: .sha256, kid: JWKIdentifier(string: ring.currentKid)
        ).sign(F.claims(exp: F.t0.addingTimeInterval(3600)), kid: JWKIdentifier(string: ring.currentKid))
        #expect(try F.decodeSegment(sameKid.split(separator: ".")[0])["kid"] as? String == ring.currentKid)
        await #expect(throws: TokenValidationFailure.invalidSignature) { try await verifier.verify(sameKid, now: F.t0) }

        // Our own token with an edited payload.
        let genuine = try await F.mint(ring)
        let parts = genuine.split(separator: ".")
        var payload = try F.decodeSegment(parts[1])
        payload["roles"] = ["Directory.ReadWrite.All", "RoleManagement.ReadWrite.Directory"]
        let edited = [String(parts[0]), try F.base64URL(json: payload), String(parts[2])].joined(separator: ".")
        await #expect(throws: TokenValidationFailure.invalidSignature) { try await verifier.verify(edited, now: F.t0) }
        // Stripped signature.
        let stripped = [String(parts[0]), String(parts[1]), ""].joined(separator: ".")
        await #expect(throws: TokenValidationFailure.invalidSignature) { try await verifier.verify(stripped, now: F.t0) }
        #expect(try await verifier.verify(genuine, now: F.t0).kind == .application)
    }

    @Test func unsignedTokenIsRejected() async throws {
        let ring = try await F.primaryRing()
        let payload = try F.base64URL(json: F.payloadJSON())
        let none = try F.base64URL(json: ["alg": "none", "typ": "JWT"]) + "." + payload + "."
        await #expect(throws: TokenValidationFailure.unsupportedAlgorithm("none")) { try await F.verifier(ring).verify(none, now: F.t0) }
        let noneUpper = try F.base64URL(json: ["alg": "NONE", "typ": "JWT"]) + "." + payload + "."
        await #expect(throws: TokenValidationFailure.unsupportedAlgorithm("NONE")) { try await F.verifier(ring).verify(noneUpper, now: F.t0) }
        let missingAlg = try F.base64URL(json: ["typ": "JWT"]) + "." + payload + "."
        await #expect(throws: TokenValidationFailure.unsupportedAlgorithm("none")) { try await F.verifier(ring).verify(missingAlg, now: F.t0) }
    }

    @Test func hmacTokenKeyedWithOurPublicKeyIsRejected() async throws {
        let ring = try await F.primaryRing()
        // The classic algorithm-confusion attack: HS256 with the published RSA public key as the HMAC secret.
        let publicPEM = F.primaryKey.publicKey.pemRepresentation
        for secret in [publicPEM, publicPEM + "\n"] {
            let keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: ring.currentKid))
            let token = try await keys.sign(F.claims(exp: F.t0.addingTimeInterval(3600)), kid: JWKIdentifier(string: ring.currentKid))
            let header = try F.decodeSegment(token.split(separator: ".")[0])
            #expect(header["alg"] as? String == "HS256")
            #expect(header["kid"] as? String == ring.currentKid)
            await #expect(throws: TokenValidationFailure.unsupportedAlgorithm("HS256")) { try await F.verifier(ring).verify(token, now: F.t0) }
        }
        // RS384 with our very own key is not accepted either: RS256 only.
        let rs384 = try await JWTKeyCollection().add(
            rsa: Insecure.RSA.PrivateKey(pem: F.primaryKey.pemRepresentation), digestAlgorithm: .sha384, kid: JWKIdentifier(string: ring.currentKid)
        ).sign(F.claims(exp: F.t0.addingTimeInterval(3600)), kid: JWKIdentifier(string: ring.currentKid))
        await #expect(throws: TokenValidationFailure.unsupportedAlgorithm("RS384")) { try await F.verifier(ring).verify(rs384, now: F.t0) }
    }

    @Test func malformedTokensAreRejected() async throws {
        let ring = try await F.primaryRing()
        let verifier = F.verifier(ring)
        let rsHeader = try F.base64URL(json: ["alg": "RS256", "typ": "JWT", "kid": ring.currentKid])
        let genuine = try await F.mint(ring)
        let parts = genuine.split(separator: ".").map(String.init)
        var noExp = F.payloadJSON()
        noExp["exp"] = nil
        let malformed = [
            "garbage", "a.b", "a.b.c", "a.b.c.d", "...", "..", genuine + ".extra", "Bearer " + genuine, "!!!." + parts[1] + "." + parts[2],
            F.base64URL(Data("not json".utf8)) + "." + parts[1] + "." + parts[2],
            rsHeader + "." + F.base64URL(Data("not json".utf8)) + "." + parts[2],
            rsHeader + ".!!!." + parts[2],
            rsHeader + "." + (try F.base64URL(json: noExp)) + "." + parts[2],
        ]
        for token in malformed {
            await #expect(throws: TokenValidationFailure.malformed, "\(token.prefix(40))") { try await verifier.verify(token, now: F.t0) }
        }
    }

    @Test func validlySignedTokenWithoutIdentityClaimsIsMalformed() async throws {
        let ring = try await F.primaryRing()
        var claims = F.claims(exp: F.t0.addingTimeInterval(3600))
        claims.tid = nil
        let token = try await ring.sign(claims)
        await #expect(throws: TokenValidationFailure.malformed) { try await F.verifier(ring).verify(token, now: F.t0) }
    }

    @Test func emptyTokenIsMissing() async throws {
        let ring = try await F.primaryRing()
        await #expect(throws: TokenValidationFailure.missing) { try await F.verifier(ring).verify("", now: F.t0) }
        #expect(TokenValidationFailure.missing.message == "Access token is empty.")
    }

    // MARK: - Cache

    @Test func secondVerificationIsServedFromTheCache() async throws {
        let ring = try await F.primaryRing()
        let cache = VerifiedTokenCache()
        let token = try await F.mint(ring)
        let first = try await F.verifier(ring, cache: cache).verify(token, now: F.t0)

        // A verifier that trusts no issuer at all still accepts the token, because it comes from the shared cache…
        let trustsNobody = TokenVerifier(keyRing: ring, localIssuers: { _ in false }, trustedIssuers: [], audiences: [F.audience], cache: cache)
        #expect(try await trustsNobody.verify(token, now: F.t0.addingTimeInterval(600)) == first)
        #expect(cache.caller(for: token, now: F.t0) == first)
        // …while a token it has not seen is checked in full.
        let unseen = try await F.mint(ring, at: F.t0.addingTimeInterval(1))
        await #expect(throws: TokenValidationFailure.unknownIssuer(F.issuer)) { try await trustsNobody.verify(unseen, now: F.t0) }
        // The cached entry does not outlive exp + skew.
        let exp = F.t0.addingTimeInterval(3599)
        #expect(try await trustsNobody.verify(token, now: exp.addingTimeInterval(299)) == first)
        await #expect(throws: TokenValidationFailure.unknownIssuer(F.issuer)) {
            try await trustsNobody.verify(token, now: exp.addingTimeInterval(300))
        }
        // Rejected tokens are not cached.
        let wrongAudience = try await F.mint(ring, F.appGrant(audience: "api://other"))
        await #expect(throws: TokenValidationFailure.invalidAudience) { try await F.verifier(ring, cache: cache).verify(wrongAudience, now: F.t0) }
        #expect(cache.caller(for: wrongAudience, now: F.t0) == nil)
    }

    @Test func cacheStoresLooksUpAndExpires() {
        let cache = VerifiedTokenCache()
        let alice = Caller(kind: .application, tenantId: F.tenantId, objectId: "alice", clientAppId: F.clientAppId, roles: ["A"])
        let bob = Caller(kind: .delegated, tenantId: F.tenantId, objectId: "bob", clientAppId: F.clientAppId, scopes: ["B"])
        #expect(cache.caller(for: "token-a", now: F.t0) == nil)
        cache.store(alice, for: "token-a", expires: F.t0.addingTimeInterval(100), now: F.t0)
        cache.store(bob, for: "token-b", expires: F.t0.addingTimeInterval(200), now: F.t0)
        #expect(cache.caller(for: "token-a", now: F.t0) == alice)
        #expect(cache.caller(for: "token-b", now: F.t0.addingTimeInterval(150)) == bob)
        #expect(cache.caller(for: "token-c", now: F.t0) == nil)
        #expect(cache.caller(for: "token-A", now: F.t0) == nil)
        #expect(cache.caller(for: "token-a", now: F.t0.addingTimeInterval(99.9)) == alice)
        // Gone at its expiry, and dropped: asking again "earlier" does not bring it back.
        #expect(cache.caller(for: "token-a", now: F.t0.addingTimeInterval(100)) == nil)
        #expect(cache.caller(for: "token-a", now: F.t0) == nil)
        #expect(cache.caller(for: "token-b", now: F.t0) == bob)
        // Storing again replaces the entry.
        cache.store(alice, for: "token-b", expires: F.t0.addingTimeInterval(300), now: F.t0)
        #expect(cache.caller(for: "token-b", now: F.t0.addingTimeInterval(250)) == alice)
    }

    @Test func fullCacheDropsExpiredEntriesFirst() {
        let cache = VerifiedTokenCache(capacity: 3)
        let caller = Caller(kind: .application, tenantId: F.tenantId, objectId: "x", clientAppId: F.clientAppId)
        cache.store(caller, for: "short", expires: F.t0.addingTimeInterval(10), now: F.t0)
        cache.store(caller, for: "long-1", expires: F.t0.addingTimeInterval(1000), now: F.t0)
        cache.store(caller, for: "long-2", expires: F.t0.addingTimeInterval(1000), now: F.t0)
        // Full: storing at a time when "short" has expired makes room by dropping it only.
        cache.store(caller, for: "new", expires: F.t0.addingTimeInterval(1000), now: F.t0.addingTimeInterval(20))
        let later = F.t0.addingTimeInterval(30)
        #expect(cache.caller(for: "long-1", now: later) == caller)
        #expect(cache.caller(for: "long-2", now: later) == caller)
        #expect(cache.caller(for: "new", now: later) == caller)
        #expect(cache.caller(for: "short", now: F.t0) == nil)
    }

    @Test func fullCacheOfLiveEntriesIsClearedToStayBounded() {
        let cache = VerifiedTokenCache(capacity: 2)
        let caller = Caller(kind: .application, tenantId: F.tenantId, objectId: "x", clientAppId: F.clientAppId)
        cache.store(caller, for: "one", expires: F.t0.addingTimeInterval(1000), now: F.t0)
        cache.store(caller, for: "two", expires: F.t0.addingTimeInterval(1000), now: F.t0)
        #expect(cache.caller(for: "one", now: F.t0) == caller)
        cache.store(caller, for: "three", expires: F.t0.addingTimeInterval(1000), now: F.t0)
        #expect(cache.caller(for: "three", now: F.t0) == caller)
        #expect(cache.caller(for: "one", now: F.t0) == nil)
        #expect(cache.caller(for: "two", now: F.t0) == nil)
        // Never more than `capacity` entries: many stores keep at most two live.
        for index in 0..<50 { cache.store(caller, for: "bulk-\(index)", expires: F.t0.addingTimeInterval(1000), now: F.t0) }
        let live = (0..<50).filter { cache.caller(for: "bulk-\($0)", now: F.t0) != nil }
        #expect(live.count <= 2)
        #expect(live.contains(49))
    }
}

/// Key rotation: a new key is published before it signs, the old one keeps verifying until its tokens have expired.
@Suite struct KeyRotationTests {
    @Test func aRotatedKeyIsPublishedFirstThenSignsAndOldTokensStillVerify() async throws {
        let tenants = InMemoryTenantRepository()
        let t0 = TokenFixture.t0
        let keys = SigningKeys(try await SigningKeyRing.load(from: tenants, cipher: TokenFixture.cipher, now: t0), tenants: tenants, cipher: TokenFixture.cipher)
        let minter = TokenMinter(keys: keys)
        let grant = AccessTokenGrant(
            kind: .application, tenantId: TokenFixture.tenantId, objectId: TokenFixture.objectId, clientAppId: TokenFixture.clientAppId,
            audience: TokenFixture.audience, roles: ["Application.Read.All"])
        let oldKid = keys.current.currentKid
        let before = try await minter.mint(grant, issuer: TokenFixture.issuer, now: t0).accessToken

        // Rotate with ten minutes' lead: published at once, not yet signing.
        let rotated = try await SigningKeyRing.rotate(in: tenants, cipher: TokenFixture.cipher, lead: 600, retention: 3900, now: t0)
        try await keys.reload(now: t0.addingTimeInterval(1))
        #expect(keys.current.jwks.keys.map(\.kid).contains(rotated.kid))
        #expect(keys.current.currentKid == oldKid)

        // Once active, it signs; tokens of the old key still verify.
        try await keys.reload(now: t0.addingTimeInterval(601))
        #expect(keys.current.currentKid == rotated.kid)
        let verifier = TokenVerifier(keys: keys, localIssuers: { $0 == TokenFixture.issuer }, trustedIssuers: [], audiences: [TokenFixture.audience])
        _ = try await verifier.verify(before, now: t0.addingTimeInterval(700))
        let after = try await minter.mint(grant, issuer: TokenFixture.issuer, now: t0.addingTimeInterval(700)).accessToken
        _ = try await verifier.verify(after, now: t0.addingTimeInterval(700))

        // A later rotation, once the old key's tokens have all expired, removes it.
        let again = try await SigningKeyRing.rotate(in: tenants, cipher: TokenFixture.cipher, lead: 600, retention: 3900, now: t0.addingTimeInterval(600 + 4000))
        #expect(again.removed == [oldKid])
    }
}

