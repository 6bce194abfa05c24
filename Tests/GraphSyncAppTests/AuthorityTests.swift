import Foundation
import GraphSyncAuthority
import GraphSyncCore
import JWTKit
import Testing

/// The built-in authority: discovery, JWKS, and the token endpoint's grants, client authentication and errors.
@Suite struct AuthorityTests {
    func tokenRequest(_ server: TestServer, _ form: [(String, String)], basic: (String, String)? = nil) async throws -> TestServer.Reply {
        var headers: [(String, String)] = []
        if let (id, secret) = basic {
            headers.append(("Authorization", "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()))
        }
        return try await server.send(
            .POST, "/\(server.tenantId)/oauth2/v2.0/token", body: TestServer.formEncode(form), contentType: "application/x-www-form-urlencoded",
            headers: headers)
    }

    @Test func discoveryAndKeysVerifyIssuedTokens() async throws {
        try await TestServer.run(tls: true) { server in
            let discovery = try await server.send(.GET, "/\(server.tenantId)/v2.0/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery["issuer"] as? String == server.issuer)
            #expect(discovery["token_endpoint"] as? String == "\(server.baseURL)/\(server.tenantId)/oauth2/v2.0/token")
            let jwksURI = try #require(discovery["jwks_uri"] as? String)
            let keys = try await server.send(.GET, jwksURI.replacingOccurrences(of: server.baseURL, with: ""))
            #expect(keys.status == 200)

            // The published JWKS alone verifies a token from the token endpoint.
            let token = try await server.token()
            let collection = try await JWTKeyCollection().add(jwksJSON: keys.text)
            let claims = try await collection.verify(token, as: AccessTokenClaims.self)
            #expect(claims.iss == server.issuer)
            #expect(claims.aud.value == ["https://graph.microsoft.com"])
            #expect(claims.tid == server.tenantId)
            #expect(claims.idtyp == "app")
            #expect(claims.azp == server.facts.clientId)
            #expect(claims.ver == "2.0")
            #expect(Set(claims.roles ?? []).isSuperset(of: ["Synchronization.ReadWrite.All", "Application.ReadWrite.All"]))
            let header = try JSONSerialization.jsonObject(with: try #require(Data(base64URL: String(token.split(separator: ".")[0])))) as? [String: Any]
            #expect(header?["alg"] as? String == "RS256")
            #expect(header?["kid"] as? String != nil)

            #expect(try await server.send(.GET, "/unknown-tenant/v2.0/.well-known/openid-configuration").status == 400)
        }
    }

    @Test func clientCredentialsWithPostAndBasicAuthentication() async throws {
        try await TestServer.run { server in
            let scope = ("scope", "https://graph.microsoft.com/.default")
            let post = try await tokenRequest(server, [("grant_type", "client_credentials"), ("client_id", server.facts.clientId),
                                                       ("client_secret", server.facts.clientSecret), scope])
            #expect(post.status == 200)
            #expect(post["token_type"] as? String == "Bearer")
            #expect(post["expires_in"] as? Int == 3599)
            #expect(post.headers.first(name: "Cache-Control")?.contains("no-store") == true)

            let basic = try await tokenRequest(server, [("grant_type", "client_credentials"), scope], basic: (server.facts.clientId, server.facts.clientSecret))
            #expect(basic.status == 200)
            #expect(basic["access_token"] is String)
        }
    }

    @Test func clientAuthenticationFailures() async throws {
        try await TestServer.run { server in
            let scope = ("scope", "https://graph.microsoft.com/.default")
            let wrongSecret = try await tokenRequest(server, [("grant_type", "client_credentials"), ("client_id", server.facts.clientId),
                                                              ("client_secret", "wrong"), scope])
            #expect(wrongSecret.status == 401)
            #expect(wrongSecret["error"] as? String == "invalid_client")
            #expect((wrongSecret["error_codes"] as? [Int]) == [7_000_215])
            #expect(wrongSecret["trace_id"] is String)
            #expect(wrongSecret["correlation_id"] is String)
            #expect(wrongSecret["timestamp"] is String)
            #expect(!wrongSecret.text.contains("wrong\""))

            let unknownClient = try await tokenRequest(server, [("grant_type", "client_credentials"), ("client_id", UUID().uuidString),
                                                                ("client_secret", "x"), scope])
            #expect(unknownClient.status == 400)
            #expect(unknownClient["error"] as? String == "unauthorized_client")

            let noSecret = try await tokenRequest(server, [("grant_type", "client_credentials"), ("client_id", server.facts.clientId), scope])
            #expect(noSecret.status == 401)

            let badScope = try await tokenRequest(server, [("grant_type", "client_credentials"), ("client_id", server.facts.clientId),
                                                           ("client_secret", server.facts.clientSecret), ("scope", "https://graph.microsoft.com/User.Read")])
            #expect(badScope.status == 400)
            #expect(badScope["error"] as? String == "invalid_scope")

            let otherResource = try await tokenRequest(server, [("grant_type", "client_credentials"), ("client_id", server.facts.clientId),
                                                                ("client_secret", server.facts.clientSecret), ("scope", "api://elsewhere/.default")])
            #expect(otherResource.status == 400)
            #expect((otherResource["error_codes"] as? [Int]) == [500_011])

            let grantType = try await tokenRequest(server, [("grant_type", "implicit"), ("client_id", server.facts.clientId),
                                                            ("client_secret", server.facts.clientSecret)])
            #expect(grantType["error"] as? String == "unsupported_grant_type")

            let json = try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", json: ["grant_type": "client_credentials"])
            #expect(json.status == 400)
            #expect(json["error"] as? String == "invalid_request")
        }
    }

    @Test func passwordGrantCarriesConsentedScopesAndDirectoryRoles() async throws {
        try await TestServer.run { server in
            let token = try await server.token(
                username: server.facts.adminUserPrincipalName, password: server.facts.adminPassword,
                scope: "https://graph.microsoft.com/Application.ReadWrite.All offline_access openid profile")
            let claims = try await JWTKeyCollection().unverified(token, as: AccessTokenClaims.self)
            #expect(claims.idtyp == "user")
            #expect(claims.scp == "Application.ReadWrite.All")
            #expect(claims.wids == [DirectoryRoleTemplate.globalAdministrator.id])
            #expect(claims.preferred_username == server.facts.adminUserPrincipalName)
            #expect(claims.sub != claims.oid)

            let wrongPassword = try await tokenRequest(server, [
                ("grant_type", "password"), ("client_id", server.facts.clientId), ("client_secret", server.facts.clientSecret),
                ("username", server.facts.adminUserPrincipalName), ("password", "nope"), ("scope", "https://graph.microsoft.com/.default"),
            ])
            #expect(wrongPassword.status == 400)
            #expect(wrongPassword["error"] as? String == "invalid_grant")

            let notConsented = try await tokenRequest(server, [
                ("grant_type", "password"), ("client_id", server.facts.clientId), ("client_secret", server.facts.clientSecret),
                ("username", server.facts.adminUserPrincipalName), ("password", server.facts.adminPassword),
                ("scope", "https://graph.microsoft.com/Mail.Read"),
            ])
            #expect(notConsented["error"] as? String == "invalid_grant")
            #expect((notConsented["error_codes"] as? [Int]) == [65_001])
        }
    }
}

extension Data {
    init?(base64URL: String) {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        self.init(base64Encoded: text)
    }
}
