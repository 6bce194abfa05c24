import Crypto
import CryptoExtras
import Foundation
import GraphSyncCore
import JWTKit

/// The authority's RS256 signing keys: kept sealed in the database, shared by every node, published as JWKS.
public struct SigningKeyRing: Sendable {
    public let keys: JWTKeyCollection
    public let currentKid: String
    /// The public keys in JWKS form (`/discovery/v2.0/keys`).
    public let jwks: JSONWebKeySet

    /// Loads the stored keys, creating the first one (RSA 2048) if there is none. Every stored key is published and
    /// verifies; the newest one already active at `now` signs.
    public static func load(from tenants: any TenantRepository, cipher: SecretCipher, now: Date = Date()) async throws -> SigningKeyRing {
        var stored = try await tenants.signingKeys()
        if stored.isEmpty {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let kid = Self.keyId(for: key.publicKey)
            try await tenants.addSigningKey(
                StoredSigningKey(
                    kid: kid, sealedPrivateKey: try cipher.seal(key.pemRepresentation, context: SealContext.signingKey(kid: kid)), createdDateTime: now))
            stored = try await tenants.signingKeys()
        }
        let collection = JWTKeyCollection()
        var published: [JSONWebKeySet.Key] = []
        for entry in stored {
            let privateKey = try Insecure.RSA.PrivateKey(pem: try cipher.open(entry.sealedPrivateKey, context: SealContext.signingKey(kid: entry.kid)))
            await collection.add(rsa: privateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: entry.kid))
            let (modulus, exponent) = try privateKey.publicKey.getKeyPrimitives()
            published.append(.init(kid: entry.kid, n: modulus.base64URLEncoded, e: exponent.base64URLEncoded))
        }
        let signing = stored.first { $0.createdDateTime <= now } ?? stored[stored.count - 1]
        return SigningKeyRing(keys: collection, currentKid: signing.kid, jwks: JSONWebKeySet(keys: published))
    }

    /// Publishes a new key that starts signing after `lead` (so every node and client has fetched it by then), and
    /// drops keys that stopped signing more than `retention` ago (no token they signed is still valid).
    /// - Returns: the new key's id and when it starts signing.
    public static func rotate(
        in tenants: any TenantRepository, cipher: SecretCipher, lead: TimeInterval, retention: TimeInterval, now: Date = Date()
    ) async throws -> (kid: String, activates: Date, removed: [String]) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let kid = Self.keyId(for: key.publicKey)
        let activates = now.addingTimeInterval(max(0, lead))
        // Keys newest first: each stopped signing when the next newer one (already active) started.
        let stored = try await tenants.signingKeys()
        var removed: [String] = []
        for (index, entry) in stored.enumerated() where index > 0 {
            let successor = stored[index - 1]
            if successor.createdDateTime <= now, now.timeIntervalSince(successor.createdDateTime) > retention {
                try await tenants.deleteSigningKey(kid: entry.kid)
                removed.append(entry.kid)
            }
        }
        try await tenants.addSigningKey(
            StoredSigningKey(kid: kid, sealedPrivateKey: try cipher.seal(key.pemRepresentation, context: SealContext.signingKey(kid: kid)), createdDateTime: activates))
        return (kid, activates, removed)
    }

    /// A ring that signs with a new random key under this ring's current `kid`: what a forger would present. Whatever it
    /// signs must fail every signature check against the published keys (validate-app's negative checks use it).
    public func impostor() async throws -> SigningKeyRing {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let collection = JWTKeyCollection()
        await collection.add(rsa: try Insecure.RSA.PrivateKey(pem: key.pemRepresentation), digestAlgorithm: .sha256, kid: JWKIdentifier(string: self.currentKid))
        return SigningKeyRing(keys: collection, currentKid: self.currentKid, jwks: JSONWebKeySet(keys: []))
    }

    /// Signs claims with the current key (`kid` in the header, `typ: JWT`, `alg: RS256`).
    public func sign(_ claims: some JWTPayload) async throws -> String {
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = "RS256"
        return try await self.keys.sign(claims, kid: JWKIdentifier(string: self.currentKid), header: header)
    }

    /// A short, stable key id: base64url of the first 16 bytes of SHA-256 over the public key's DER.
    static func keyId(for publicKey: _RSA.Signing.PublicKey) -> String {
        Data(SHA256.hash(data: publicKey.derRepresentation).prefix(16)).base64URLEncoded
    }
}

/// A JSON Web Key Set of RSA signing keys, in the shape Entra publishes.
public struct JSONWebKeySet: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        public var kty = "RSA"
        public var use = "sig"
        public var alg = "RS256"
        public var kid: String
        public var n: String
        public var e: String

        public init(kid: String, n: String, e: String) {
            self.kid = kid
            self.n = n
            self.e = e
        }
    }

    public var keys: [Key]
}

extension Data {
    var base64URLEncoded: String {
        self.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
