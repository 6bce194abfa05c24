import Crypto
import CryptoExtras
import Foundation
import GraphSyncAuthority
import Hummingbird
import JWTKit
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A small, real OIDC issuer (discovery + JWKS over HTTP on loopback) standing in for an external Entra tenant.
final class ExternalIssuer: Sendable {
    let tenantId = UUID().uuidString.lowercased()
    /// The port it listens on, known once `serve` has started it (the kernel picks it).
    var port: Int { self.bound.withLock { $0 } ?? 0 }
    private let bound = Mutex<Int?>(nil)
    private let keys = Mutex<[(kid: String, key: JWTKit.Insecure.RSA.PrivateKey)]>([])
    private let fetches = Mutex(0)
    /// Discovery and JWKS requests served so far.
    var fetchCount: Int { self.fetches.withLock { $0 } }

    var authority: String { "http://127.0.0.1:\(self.port)/\(self.tenantId)/v2.0" }
    var issuer: String { "https://login.microsoftonline.com/\(self.tenantId)/v2.0" }

    init() throws {
        try self.rotate()
    }

    /// Publishes a new signing key (the old one stays published too).
    @discardableResult
    func rotate() throws -> String {
        let kid = UUID().uuidString
        let key = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        self.keys.withLock { $0.append((kid, key)) }
        return kid
    }

    /// A token as Entra would issue it for an app with `roles`, signed with the newest key.
    func token(roles: [String], audience: String = "https://graph.microsoft.com") async throws -> String {
        let (kid, key) = self.keys.withLock { $0.last! }
        let collection = await JWTKeyCollection().add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        let now = Int(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            aud: audience, iss: self.issuer, iat: now, nbf: now, exp: now + 3600, tid: self.tenantId, oid: UUID().uuidString.lowercased(),
            sub: "sub", azp: UUID().uuidString.lowercased(), idtyp: "app", roles: roles, scp: nil, wids: nil, name: nil,
            preferredUsername: nil, uti: "uti")
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = "RS256"
        return try await collection.sign(claims, kid: JWKIdentifier(string: kid), header: header)
    }

    private func jwks() throws -> String {
        let keys = try self.keys.withLock { keys in
            try keys.map { entry -> [String: String] in
                let (n, e) = try entry.key.publicKey.getKeyPrimitives()
                return ["kty": "RSA", "use": "sig", "kid": entry.kid, "n": n.base64URL, "e": e.base64URL]
            }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: ["keys": keys]), as: UTF8.self)
    }

    /// Serves discovery and JWKS while `body` runs.
    func serve<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        let router = Router()
        let issuer = self.issuer
        router.get("\(self.tenantId)/v2.0/.well-known/openid-configuration") { _, _ in
            self.fetches.withLock { $0 += 1 }
            return "{\"issuer\":\"\(issuer)\",\"jwks_uri\":\"http://127.0.0.1:\(self.port)/\(self.tenantId)/discovery/v2.0/keys\"}"
        }
        router.get("\(self.tenantId)/discovery/v2.0/keys") { _, _ in
            self.fetches.withLock { $0 += 1 }
            return try self.jwks()
        }
        return try await LoopbackService.serve(router, label: "external-issuer") { port in
            self.bound.withLock { $0 = port }
            return try await body()
        }
    }
}
