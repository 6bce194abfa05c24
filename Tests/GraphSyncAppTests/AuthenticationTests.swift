import Crypto
import CryptoExtras
import Foundation
import GraphSyncAuthority
import GraphSyncCore
import JWTKit
import Testing

/// Every way a bearer token can be wrong gets 401 `InvalidAuthenticationToken`, a message saying which, and `WWW-Authenticate: Bearer`.
@Suite struct AuthenticationTests {
    func expectUnauthorized(_ server: TestServer, token: String?, header: String? = nil, mentions: String) async throws {
        let reply = try await server.send(
            .GET, "/v1.0/applications", token: token, headers: header.map { [("Authorization", $0)] } ?? [])
        #expect(reply.status == 401)
        #expect(reply.errorCode == "InvalidAuthenticationToken")
        #expect(reply.errorMessage?.contains(mentions) == true, "message was \(reply.errorMessage ?? "nil")")
        #expect(reply.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
    }

    @Test func missingTokenIsRefused() async throws {
        try await TestServer.run { server in
            try await expectUnauthorized(server, token: nil, mentions: "Access token is empty")
            try await expectUnauthorized(server, token: nil, header: "Basic Zm9vOmJhcg==", mentions: "Bearer")
        }
    }

    @Test func malformedTokenIsRefused() async throws {
        try await TestServer.run { server in
            try await expectUnauthorized(server, token: "not-a-jwt", mentions: "CompactToken parsing failed")
            try await expectUnauthorized(server, token: "a.b.c", mentions: "CompactToken parsing failed")
        }
    }

    @Test func unsignedAlgNoneTokenIsRefused() async throws {
        try await TestServer.run { server in
            let valid = try await server.adminToken()
            let payload = valid.split(separator: ".")[1]
            let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URL
            try await expectUnauthorized(server, token: "\(header).\(payload).", mentions: "'none'")
        }
    }

    @Test func hmacTokenSignedWithThePublicKeyIsRefused() async throws {
        try await TestServer.run { server in
            let valid = try await server.adminToken()
            let claims = try await JWTKeyCollection().unverified(valid, as: AccessTokenClaims.self)
            let keyRing = try await SigningKeyRing.load(from: server.runtime.repositories.tenants, cipher: server.runtime.cipher)
            let jwk = try #require(keyRing.jwks.keys.first)
            let publicPEM = try JWTKit.Insecure.RSA.PublicKey(modulus: jwk.n.base64URLDecodedString, exponent: jwk.e.base64URLDecodedString).pemRepresentation
            let hmac = await JWTKeyCollection().add(hmac: HMACKey(from: publicPEM), digestAlgorithm: .sha256, kid: JWKIdentifier(string: jwk.kid))
            let forged = try await hmac.sign(claims, kid: JWKIdentifier(string: jwk.kid))
            try await expectUnauthorized(server, token: forged, mentions: "HS256")
        }
    }

    @Test func expiredTokenIsRefused() async throws {
        try await TestServer.run { server in
            let token = try await server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]), now: Date().addingTimeInterval(-3600 - 600))
            try await expectUnauthorized(server, token: token, mentions: "expired")
        }
    }

    @Test func tokenWithinClockSkewIsAccepted() async throws {
        try await TestServer.run { server in
            // Expired two minutes ago: still inside the 5-minute skew.
            let token = try await server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]), now: Date().addingTimeInterval(-3599 - 120))
            #expect(try await server.send(.GET, "/v1.0/applications", token: token).status == 200)
        }
    }

    @Test func notYetValidTokenIsRefused() async throws {
        try await TestServer.run { server in
            let token = try await server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]), now: Date().addingTimeInterval(900))
            try await expectUnauthorized(server, token: token, mentions: "not yet valid")
        }
    }

    @Test func wrongAudienceIsRefused() async throws {
        try await TestServer.run { server in
            var grant = server.appGrant(roles: ["Application.ReadWrite.All"])
            grant.audience = "api://some-other-api"
            try await expectUnauthorized(server, token: try await server.mint(grant), mentions: "Invalid audience")
        }
    }

    @Test func graphAppIdAudienceIsAccepted() async throws {
        try await TestServer.run { server in
            var grant = server.appGrant(roles: ["Application.ReadWrite.All"])
            grant.audience = WellKnown.graphAppId
            let token = try await server.mint(grant)
            #expect(try await server.send(.GET, "/v1.0/applications", token: token).status == 200)
        }
    }

    @Test func nationalCloudAudienceFollowsConfiguration() async throws {
        try await TestServer.run(configure: { $0.cloud = .usgovL4 }) { server in
            let token = try await server.token(scope: "https://graph.microsoft.us/.default")
            #expect(try await server.send(.GET, "/v1.0/applications", token: token).status == 200)
            var global = server.appGrant(roles: ["Application.ReadWrite.All"])
            global.audience = "https://graph.microsoft.com"
            try await expectUnauthorized(server, token: try await server.mint(global), mentions: "Invalid audience")
        }
    }

    @Test func unknownIssuerIsRefused() async throws {
        try await TestServer.run { server in
            let token = try await server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]), issuer: "https://evil.example/tenant/v2.0")
            try await expectUnauthorized(server, token: token, mentions: "Invalid issuer")
        }
    }

    @Test func badSignatureIsRefused() async throws {
        try await TestServer.run { server in
            let valid = try await server.adminToken()
            let claims = try await JWTKeyCollection().unverified(valid, as: AccessTokenClaims.self)
            let keyRing = try await SigningKeyRing.load(from: server.runtime.repositories.tenants, cipher: server.runtime.cipher)
            let other = JWTKeyCollection()
            await other.add(rsa: try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048)), digestAlgorithm: .sha256,
                            kid: JWKIdentifier(string: keyRing.currentKid))
            let forged = try await other.sign(claims, kid: JWKIdentifier(string: keyRing.currentKid))
            try await expectUnauthorized(server, token: forged, mentions: "Invalid signature")

            // A valid token with its payload altered keeps the old signature: refused too.
            let parts = valid.split(separator: ".")
            var tampered = claims
            tampered.roles = ["Directory.ReadWrite.All"]
            let payload = try JSONEncoder().encode(tampered).base64URL
            try await expectUnauthorized(server, token: "\(parts[0]).\(payload).\(parts[2])", mentions: "Invalid signature")
        }
    }
}

extension Data {
    var base64URL: String {
        self.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension String {
    var base64URLDecodedString: String { self }
}
