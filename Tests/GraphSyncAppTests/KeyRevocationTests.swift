import Foundation
import GraphSyncAuthority
import GraphSyncCore
import Testing

/// `graphsync keys revoke KID`: the key leaves JWKS and validation on a running server within its key reload, tokens it
/// signed are refused even when already verified and cached, and nothing is signed with it again.
@Suite struct KeyRevocationTests {
    static func kid(of token: String) throws -> String {
        let header = try #require(Data(base64URL: String(token.split(separator: ".")[0])))
        return try #require((try JSONSerialization.jsonObject(with: header) as? [String: Any])?["kid"] as? String)
    }

    func publishedKids(_ server: TestServer) async throws -> [String] {
        let jwks = try await server.send(.GET, "/\(server.tenantId)/discovery/v2.0/keys")
        return (jwks["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
    }

    // MARK: Tests

    @Test func aRevokedKeyLeavesJWKSAndItsTokensAreRefused() async throws {
        try await TestServer.run(configure: { $0.signingKeyReload = 0.2 }) { server in
            let tenants = server.runtime.repositories.tenants
            let old = try await server.adminToken()
            let oldKid = try Self.kid(of: old)
            #expect(try await server.send(.GET, "/v1.0/users", token: old).status == 200, "verified, and now cached")

            await #expect(throws: SigningKeyRing.RevocationRefused.self, "the only key, signing") {
                try await SigningKeyRing.revoke(kid: oldKid, in: tenants)
            }
            let rotated = try await SigningKeyRing.rotate(in: tenants, cipher: server.runtime.cipher, lead: 600, retention: 4_259)
            let signing = try await SigningKeyRing.revoke(kid: oldKid, in: tenants)
            #expect(signing == rotated.kid, "the newer key signs at once instead of in ten minutes")
            try await Task.sleep(for: .seconds(1))

            let refused = try await server.send(.GET, "/v1.0/users", token: old)
            #expect(refused.status == 401 && refused.errorCode == "InvalidAuthenticationToken", "\(refused.status) \(refused.text)")
            let published = try await self.publishedKids(server)
            #expect(!published.contains(oldKid) && published.contains(rotated.kid), "\(published)")
            let fresh = try await server.adminToken()
            #expect(try Self.kid(of: fresh) == rotated.kid, "no token is issued with the revoked key, not even a recent one reused")
            #expect(try await server.send(.GET, "/v1.0/users", token: fresh).status == 200)
        }
    }

    @Test func anOlderKeyGoesWithoutARotationAndTheSigningOneStays() async throws {
        try await TestServer.run { server in
            let tenants = server.runtime.repositories.tenants
            let first = try Self.kid(of: try await server.adminToken())
            let second = try await SigningKeyRing.rotate(in: tenants, cipher: server.runtime.cipher, lead: 0, retention: 4_259)
            #expect(try await SigningKeyRing.revoke(kid: first, in: tenants) == second.kid)
            await #expect(throws: SigningKeyRing.RevocationRefused.self, "an unknown kid") { try await SigningKeyRing.revoke(kid: "nope", in: tenants) }
            await #expect(throws: SigningKeyRing.RevocationRefused.self, "now the only key") { try await SigningKeyRing.revoke(kid: second.kid, in: tenants) }
            #expect(try await tenants.signingKeys().map(\.kid) == [second.kid])
        }
    }
}
