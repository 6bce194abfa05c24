import Foundation
import GraphSyncCore
import Testing

/// `acquireAccessToken` against a real OAuth token endpoint: what is sent, what is stored, and that every failure
/// leaves the saved secrets exactly as they were.
@Suite struct AcquireAccessTokenTests {
    static func credentials(_ endpoint: TestTokenEndpoint, code: String?, clientId: String = TestTokenEndpoint.clientId) -> [[String: String]] {
        var items = [
            ["key": "Oauth2TokenExchangeUri", "value": endpoint.tokenURL],
            ["key": "Oauth2ClientId", "value": clientId],
            ["key": "Oauth2ClientSecret", "value": TestTokenEndpoint.clientSecret],
            ["key": "Oauth2RedirectUri", "value": TestTokenEndpoint.redirectURI],
            ["key": "Oauth2AuthorizationUri", "value": "https://app.example/authorize"],
        ]
        if let code { items.append(["key": "Oauth2AuthorizationCode", "value": code]) }
        return items
    }

    /// Runs GraphSync (allowed to call loopback token URLs, 3 s exchange timeout) beside a token endpoint,
    /// with an application + service principal to act on.
    static func withSetup(
        rotates: Bool = true, allowLoopback: Bool = true,
        _ body: (TestServer, TestTokenEndpoint, ServicePrincipal, String) async throws -> Void
    ) async throws {
        let endpoint = try TestTokenEndpoint(rotatesRefreshTokens: rotates)
        try await endpoint.serve {
            try await TestServer.run(configure: {
                $0.allowTokenURLsTo = allowLoopback ? [.loopback] : []
                $0.tokenExchangeTimeout = 3
            }) { server in
                let (_, sp, _) = try await server.runtime.createApplication(displayName: "SaaS app", permissions: [])
                try await body(server, endpoint, sp, try await server.adminToken())
            }
        }
    }

    func secrets(_ server: TestServer, _ sp: ServicePrincipal) async throws -> [SynchronizationSecretKey: String] {
        try await server.runtime.repositories.synchronizationSecrets.secrets(of: sp.id).values
    }

    func acquire(_ server: TestServer, _ path: String, token: String, _ credentials: [[String: String]]) async throws -> TestServer.Reply {
        try await server.send(.POST, path, token: token, json: ["credentials": credentials])
    }

    // MARK: success

    @Test func authorizationCodeGrantStoresTokensAndAnswers204() async throws {
        try await Self.withSetup { server, endpoint, sp, admin in
            let before = Date()
            let reply = try await acquire(server, "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken", token: admin,
                                          Self.credentials(endpoint, code: "good"))
            #expect(reply.status == 204, "\(reply.text)")
            #expect(reply.body.isEmpty)

            let sent = try #require(endpoint.requests.last)
            #expect(sent.grantType == "authorization_code")
            #expect(sent.form["code"] == "good")
            #expect(sent.form["redirect_uri"] == TestTokenEndpoint.redirectURI)
            #expect(sent.form["client_id"] == TestTokenEndpoint.clientId)
            #expect(sent.form["client_secret"] == TestTokenEndpoint.clientSecret)
            #expect(sent.basic == nil)

            let stored = try await secrets(server, sp)
            #expect(stored[.oauth2AccessToken] == "at-1")
            #expect(stored[.oauth2RefreshToken] == "rt-1")
            #expect(stored[.oauth2AuthorizationCode] == nil)
            #expect(stored[.oauth2ClientId] == TestTokenEndpoint.clientId)
            #expect(stored[.oauth2ClientSecret] == TestTokenEndpoint.clientSecret)
            #expect(stored[.oauth2TokenExchangeUri] == endpoint.tokenURL)
            #expect(stored[.oauth2RedirectUri] == TestTokenEndpoint.redirectURI)
            #expect(stored[.oauth2AuthorizationUri] == "https://app.example/authorize")
            let created = try #require(stored[.oauth2AccessTokenCreationTime].flatMap { try? Date($0, strategy: .iso8601) })
            let expires = try #require(stored[.tokenExpiration].flatMap { try? Date($0, strategy: .iso8601) })
            #expect(abs(created.timeIntervalSince(before)) < 5)
            #expect(abs(expires.timeIntervalSince(created) - 3600) < 1)

            // Masked through Graph, and sealed in the database file.
            let listed = try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets", token: admin)
            let items = try #require(listed["value"] as? [[String: String]])
            #expect(Set(items.map { $0["key"] ?? "" }).isSuperset(of: ["Oauth2AccessToken", "Oauth2RefreshToken", "TokenExpiration", "Oauth2ClientSecret"]))
            #expect(items.allSatisfy { $0["value"] == "*" })
            #expect(!listed.text.contains("at-1") && !listed.text.contains(TestTokenEndpoint.clientSecret))
            let synchronization = try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/synchronization", token: admin)
            #expect((synchronization["secrets"] as? [[String: String]])?.allSatisfy { $0["value"] == "*" } == true)
            let file = try await server.storedBytes()
            #expect(file.range(of: Data(TestTokenEndpoint.clientSecret.utf8)) == nil)
        }
    }

    @Test func applicationsRouteAndBetaActOnTheServicePrincipal() async throws {
        try await Self.withSetup { server, endpoint, sp, admin in
            let application = try #require(try await server.runtime.repositories.applications.get(appId: sp.appId))
            for path in ["/v1.0/applications/\(application.id)", "/beta/applications/\(application.id)", "/beta/servicePrincipals/\(sp.id)"] {
                let reply = try await acquire(server, "\(path)/synchronization/acquireAccessToken", token: admin, Self.credentials(endpoint, code: "good"))
                #expect(reply.status == 204, "\(path): \(reply.text)")
            }
            #expect(try await secrets(server, sp)[.oauth2AccessToken] == "at-3")
            let viaApplication = try await server.send(.GET, "/v1.0/applications/\(application.id)/synchronization/secrets", token: admin)
            #expect((viaApplication["value"] as? [Any])?.count == (try await secrets(server, sp)).count)
        }
    }

    @Test func invalidClientIsRetriedWithBasicAuthentication() async throws {
        try await Self.withSetup { server, endpoint, sp, admin in
            let reply = try await acquire(server, "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken", token: admin,
                                          Self.credentials(endpoint, code: "good", clientId: "basic-only"))
            #expect(reply.status == 204, "\(reply.text)")
            let sent = endpoint.requests
            #expect(sent.count == 2)
            #expect(sent[0].basic == nil && sent[0].form["client_secret"] != nil)
            #expect(sent[1].basic?.id == "basic-only" && sent[1].basic?.secret == TestTokenEndpoint.clientSecret)
            #expect(sent[1].form["client_secret"] == nil)
        }
    }

    @Test func clientCredentialsAndRefreshGrantsWithAndWithoutRotation() async throws {
        for rotates in [true, false] {
            try await Self.withSetup(rotates: rotates) { server, endpoint, sp, admin in
                let path = "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken"
                #expect(try await acquire(server, path, token: admin, Self.credentials(endpoint, code: "good")).status == 204)

                // Without a code, client id + secret select the client credentials grant; with the secret removed,
                // the saved refresh token is used (as a public client).
                #expect(try await acquire(server, path, token: admin, [["key": "Oauth2ClientSecret", "value": ""]]).status == 204)
                #expect(endpoint.requests.last?.grantType == "refresh_token")
                #expect(endpoint.requests.last?.form["refresh_token"] == "rt-1")
                let afterRefresh = try await secrets(server, sp)
                #expect(afterRefresh[.oauth2AccessToken] == "at-2")
                #expect(afterRefresh[.oauth2RefreshToken] == (rotates ? "rt-2" : "rt-1"))
                #expect(afterRefresh[.oauth2ClientSecret] == nil)

                #expect(try await acquire(server, path, token: admin, [["key": "Oauth2ClientSecret", "value": TestTokenEndpoint.clientSecret]]).status == 204)
                #expect(endpoint.requests.last?.grantType == "client_credentials")
                #expect(try await secrets(server, sp)[.oauth2AccessToken] == "at-3")
            }
        }
    }

    // MARK: failures leave secrets unchanged

    @Test(arguments: [
        ("bad-code-1234", 400, "AcquireAccessTokenFailed", "invalid_grant"),
        ("unauthorized", 400, "AcquireAccessTokenFailed", "unauthorized_client"),
        ("status-500", 502, "TokenEndpointUnavailable", "500"),
        ("html", 502, "TokenEndpointUnavailable", "not a JSON object"),
        ("huge", 502, "TokenEndpointUnavailable", "cut off"),
        ("no-access-token", 502, "TokenEndpointUnavailable", "without an access_token"),
        ("redirect", 502, "TokenEndpointUnavailable", "302"),
        ("hang", 504, "TokenEndpointTimeout", "did not answer"),
    ])
    func failedExchangeStoresNothing(code: String, status: Int, errorCode: String, mentions: String) async throws {
        try await Self.withSetup { server, endpoint, sp, admin in
            let path = "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken"
            #expect(try await acquire(server, path, token: admin, Self.credentials(endpoint, code: "good")).status == 204)
            let before = try await secrets(server, sp)

            var credentials = Self.credentials(endpoint, code: code)
            credentials.append(["key": "BaseAddress", "value": "https://scim.example/v2"])
            let reply = try await acquire(server, path, token: admin, credentials)
            #expect(reply.status == status, "\(reply.text)")
            #expect(reply.errorCode == errorCode)
            #expect(reply.errorMessage?.contains(mentions) == true, "message: \(reply.errorMessage ?? "")")
            #expect(reply.errorMessage?.contains(TestTokenEndpoint.clientSecret) == false)
            if code == "bad-code-1234" { #expect(reply.errorMessage?.contains(code) == false, "the code is redacted") }
            #expect(try await secrets(server, sp) == before)
        }
    }

    @Test func unreachableTokenEndpointIsBadGateway() async throws {
        try await Self.withSetup { server, endpoint, sp, admin in
            var credentials = Self.credentials(endpoint, code: "good")
            credentials[0]["value"] = "http://127.0.0.1:\(try freePort())/token"
            let reply = try await acquire(server, "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken", token: admin, credentials)
            #expect(reply.status == 502)
            #expect(try await secrets(server, sp).isEmpty)
        }
    }

    @Test func tokenURLsToLoopbackPrivateAndMetadataAreRefused() async throws {
        try await Self.withSetup(allowLoopback: false) { server, endpoint, sp, admin in
            let path = "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken"
            for url in [endpoint.tokenURL, "https://localhost:\(endpoint.port)/oauth/token", "https://169.254.169.254/token",
                        "https://10.0.0.8/token", "https://[::1]:443/token", "https://0.0.0.0/token", "ftp://example.test/token",
                        "https://user:pw@localhost/token"] {
                var credentials = Self.credentials(endpoint, code: "good")
                credentials[0]["value"] = url
                let reply = try await acquire(server, path, token: admin, credentials)
                #expect(reply.status == 400, "\(url): \(reply.text)")
                #expect(reply.errorCode == "TokenUrlNotAllowed", "\(url)")
            }
            #expect(endpoint.requests.isEmpty)
            #expect(try await secrets(server, sp).isEmpty)
        }
        // Even with loopback allowed, link-local (metadata) stays refused.
        try await Self.withSetup(allowLoopback: true) { server, endpoint, sp, admin in
            var credentials = Self.credentials(endpoint, code: "good")
            credentials[0]["value"] = "http://169.254.169.254/latest/meta-data/iam"
            let reply = try await acquire(server, "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken", token: admin, credentials)
            #expect(reply.errorCode == "TokenUrlNotAllowed")
        }
    }
}
