import AsyncHTTPClient
import Foundation
import GraphSyncCore
import JWTKit
import NIOCore
import NIOHTTP1
import Testing

/// The authority's interactive flows over real HTTP: authorization code with PKCE through the sign-in and consent
/// pages, refresh token rotation and revocation, silent and failed requests, and the device code flow.
@Suite struct SignInTests {
    /// A browser without redirects or scripts: keeps cookies, reads the pages' forms.
    final class Browser: @unchecked Sendable {
        let server: TestServer
        /// One client for every browser, never shut down: a browser's cookies are its own (sent as headers), and a test
        /// that fails half-way cannot leave a client to deinit unshut (a fatal error that ended the whole test run).
        static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        var client: HTTPClient { Self.client }
        var cookies: [String: String] = [:]

        init(_ server: TestServer) { self.server = server }

        func send(_ method: HTTPMethod, _ path: String, form: [(String, String)]? = nil) async throws -> TestServer.Reply {
            var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : self.server.baseURL + path)
            request.method = method
            if !self.cookies.isEmpty { request.headers.add(name: "Cookie", value: self.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            if let form {
                request.body = .bytes(ByteBuffer(string: TestServer.formEncode(form)))
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            }
            let response = try await self.client.execute(request, timeout: .seconds(30))
            for header in response.headers["Set-Cookie"] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { self.cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
            }
            let body = try await response.body.collect(upTo: 1 << 20)
            return TestServer.Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
        }

        /// Nothing to release (the client is shared); kept so that tests say where a browser's use ends.
        func close() async throws {}
    }

    static func flow(_ page: TestServer.Reply) throws -> String {
        let match = try #require(page.text.firstMatch(of: /name="flow" value="([^"]+)"/), "no sign-in form in: \(page.text.prefix(400))")
        return String(match.1)
    }

    static func query(_ location: String?) -> [String: String] {
        let items = URLComponents(string: location ?? "")?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    /// An app with a web redirect URI (confidential) and a loopback public-client one.
    static func registerApp(_ server: TestServer) async throws -> (appId: String, secret: String) {
        let admin = try await server.adminToken()
        let app = try await server.send(.POST, "/v1.0/applications", token: admin, json: [
            "displayName": "Portal", "web": ["redirectUris": ["https://portal.example/callback"]], "publicClient": ["redirectUris": ["http://localhost"]],
            "isFallbackPublicClient": true,
        ])
        let appId = try #require(app["appId"] as? String, "\(app.text)")
        #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId]).status == 201)
        let password = try await server.send(.POST, "/v1.0/applications/\(app["id"] as? String ?? "")/addPassword", token: admin, json: ["passwordCredential": [:]])
        return (appId, try #require(password["secretText"] as? String))
    }

    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  // RFC 7636 appendix B

    func authorizePath(_ server: TestServer, _ appId: String, redirect: String = "http://localhost:5555", extra: [(String, String)] = []) -> String {
        "/\(server.tenantId)/oauth2/v2.0/authorize?" + TestServer.formEncode([
            ("client_id", appId), ("response_type", "code"), ("redirect_uri", redirect),
            ("scope", "openid profile offline_access https://graph.microsoft.com/Synchronization.Read.All"), ("state", "s1"), ("nonce", "n1"),
            ("code_challenge", Self.challenge), ("code_challenge_method", "S256"),
        ] + extra)
    }

    func token(_ server: TestServer, _ form: [(String, String)]) async throws -> TestServer.Reply {
        try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", body: TestServer.formEncode(form), contentType: "application/x-www-form-urlencoded")
    }

    @Test func authorizationCodeWithPKCEThroughTheSignInAndConsentPages() async throws {
        try await TestServer.run { server in
            let (appId, _) = try await Self.registerApp(server)
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let page = try await browser.send(.GET, self.authorizePath(server, appId))
            #expect(page.status == 200 && page.text.contains("Portal"), "\(page.text.prefix(300))")
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true)
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            let flow = try Self.flow(page)

            let wrong = try await browser.send(.POST, "/\(server.tenantId)/login", form: [("flow", flow), ("login", server.facts.adminUserPrincipalName), ("passwd", "nope")])
            #expect(wrong.status == 400 && wrong.text.contains("Your account or password is incorrect."))
            let stranger = Browser(server)
            let hijack = try await stranger.send(.POST, "/\(server.tenantId)/login", form: [("flow", flow), ("login", server.facts.adminUserPrincipalName), ("passwd", server.facts.adminPassword)])
            #expect(hijack.status == 400 && hijack.text.contains("another browser"), "a page's form only works in the browser that opened it")
            try await stranger.close()

            let consent = try await browser.send(.POST, "/\(server.tenantId)/login", form: [("flow", flow), ("login", server.facts.adminUserPrincipalName), ("passwd", server.facts.adminPassword)])
            #expect(consent.status == 200 && consent.text.contains("Synchronization.Read.All") && consent.text.contains("everyone in your organization"), "\(consent.text.prefix(500))")
            #expect(browser.cookies["gs_session"] != nil)
            let back = try await browser.send(.POST, "/\(server.tenantId)/consent", form: [("flow", try Self.flow(consent)), ("accept", "yes")])
            #expect(back.status == 302)
            let location = back.headers.first(name: "Location") ?? ""
            #expect(location.hasPrefix("http://localhost:5555?"))
            let answer = Self.query(location)
            #expect(answer["state"] == "s1")
            let code = try #require(answer["code"])

            let redeem = [("client_id", appId), ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "http://localhost:5555")]
            #expect(try await self.token(server, redeem + [("code_verifier", String(repeating: "a", count: 43))])["error"] as? String == "invalid_grant")
            let tokens = try await self.token(server, redeem + [("code_verifier", Self.verifier)])
            #expect(tokens.status == 400, "a code is used up by a failed redemption too (single use)")
            // A fresh code, through the browser's session (no page, consent already given).
            let silent = try await browser.send(.GET, self.authorizePath(server, appId))
            #expect(silent.status == 302, "\(silent.text.prefix(300))")
            let code2 = try #require(Self.query(silent.headers.first(name: "Location"))["code"])
            let issued = try await self.token(server, [("client_id", appId), ("grant_type", "authorization_code"), ("code", code2),
                                                       ("redirect_uri", "http://localhost:5555"), ("code_verifier", Self.verifier)])
            #expect(issued.status == 200, "\(issued.text)")
            #expect((issued["scope"] as? String)?.contains("https://graph.microsoft.com/Synchronization.Read.All") == true)
            let idToken = try #require(issued["id_token"] as? String)
            let claims = try JSONSerialization.jsonObject(with: try #require(Data(base64URL: String(idToken.split(separator: ".")[1])))) as? [String: Any]
            #expect(claims?["nonce"] as? String == "n1" && claims?["aud"] as? String == appId)
            #expect(claims?["preferred_username"] as? String == server.facts.adminUserPrincipalName && claims?["tid"] as? String == server.tenantId)
            let clientInfo = try JSONSerialization.jsonObject(with: Data(base64URL: issued["client_info"] as? String ?? "") ?? Data()) as? [String: Any]
            #expect(clientInfo?["utid"] as? String == server.tenantId && clientInfo?["uid"] as? String == claims?["oid"] as? String)
            let access = try #require(issued["access_token"] as? String)
            #expect(try await server.send(.GET, "/v1.0/servicePrincipals", token: access).status == 403, "Synchronization.Read.All reads no service principals")
            #expect(try await self.token(server, [("client_id", appId), ("grant_type", "authorization_code"), ("code", code2),
                                                  ("redirect_uri", "http://localhost:5555"), ("code_verifier", Self.verifier)]).status == 400, "single use")

            // Refresh tokens rotate; the old one is spent.
            let first = try #require(issued["refresh_token"] as? String)
            let refreshed = try await self.token(server, [("client_id", appId), ("grant_type", "refresh_token"), ("refresh_token", first)])
            let second = try #require(refreshed["refresh_token"] as? String, "\(refreshed.text)")
            #expect(second != first)
            let third = try #require(try await self.token(server, [("client_id", appId), ("grant_type", "refresh_token"), ("refresh_token", second)])["refresh_token"] as? String)
            #expect(try await self.token(server, [("client_id", appId), ("grant_type", "refresh_token"), ("refresh_token", first)])["error"] as? String == "invalid_grant")
            #expect(try await self.token(server, [("client_id", appId), ("grant_type", "refresh_token"), ("refresh_token", third)])["error"] as? String == "invalid_grant",
                    "a spent token presented again ends its whole family (the thief's and the owner's)")
            // A new sign-in (through the session) starts a new family.
            let code3 = try #require(Self.query(try await browser.send(.GET, self.authorizePath(server, appId)).headers.first(name: "Location"))["code"])
            let fresh = try #require(try await self.token(server, [("client_id", appId), ("grant_type", "authorization_code"), ("code", code3),
                                                                   ("redirect_uri", "http://localhost:5555"), ("code_verifier", Self.verifier)])["refresh_token"] as? String)
            // A password change revokes refresh tokens and the browser's session.
            let admin = try await server.adminToken()
            let me = try #require(claims?["oid"] as? String)
            let globalAdmin = try await server.mint(server.userGrant(scopes: ["User.ReadWrite.All"], wids: [DirectoryRoleTemplate.globalAdministrator.id]))
            let changed = try await server.send(.PATCH, "/v1.0/users/\(me)", token: globalAdmin, json: ["passwordProfile": ["password": "N3w!Passw0rd-x", "forceChangePasswordNextSignIn": false]])
            #expect(changed.status == 204, "\(changed.text)")
            _ = admin
            let revoked = try await self.token(server, [("client_id", appId), ("grant_type", "refresh_token"), ("refresh_token", fresh)])
            #expect(revoked["error"] as? String == "invalid_grant" && (revoked["error_description"] as? String)?.contains("AADSTS50173") == true)
            let again = try await browser.send(.GET, self.authorizePath(server, appId))
            #expect(again.status == 200 && again.text.contains("Sign in"), "the session ended with the password")
        }
    }

    @Test func badRequestsAreShownOrReturnedAsOAuthSays() async throws {
        try await TestServer.run { server in
            let (appId, secret) = try await Self.registerApp(server)
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let unregistered = try await browser.send(.GET, self.authorizePath(server, appId, redirect: "https://evil.example/cb"))
            #expect(unregistered.status == 400 && unregistered.headers.first(name: "Location") == nil && unregistered.text.contains("AADSTS50011"))
            let unknown = try await browser.send(.GET, self.authorizePath(server, "00000000-0000-0000-0000-000000000001"))
            #expect(unknown.status == 400 && unknown.text.contains("AADSTS700016"))
            let silent = try await browser.send(.GET, self.authorizePath(server, appId, extra: [("prompt", "none")]))
            #expect(Self.query(silent.headers.first(name: "Location"))["error"] == "login_required")
            #expect(Self.query(silent.headers.first(name: "Location"))["state"] == "s1")
            let noPKCE = try await browser.send(.GET, "/\(server.tenantId)/oauth2/v2.0/authorize?" + TestServer.formEncode([
                ("client_id", appId), ("response_type", "code"), ("redirect_uri", "http://localhost:7000"), ("scope", "openid"),
            ]))
            #expect(Self.query(noPKCE.headers.first(name: "Location"))["error"] == "invalid_request", "public clients must use PKCE")
            let token = try await browser.send(.GET, self.authorizePath(server, appId, extra: [("response_type", "token")]).replacingOccurrences(of: "response_type=code&", with: ""))
            #expect(Self.query(token.headers.first(name: "Location"))["error"] == "unsupported_response_type")
            // form_post: an auto-submitting form to the redirect URI, allowed by the page's CSP and nothing else.
            let web = try await browser.send(.GET, self.authorizePath(server, appId, redirect: "https://portal.example/callback", extra: [("response_mode", "form_post"), ("prompt", "none")]))
            #expect(web.status == 200 && web.text.contains("action=\"https://portal.example/callback\"") && web.text.contains("login_required"))
            #expect(web.headers.first(name: "Content-Security-Policy")?.contains("form-action 'self' https://portal.example") == true)
            _ = secret
        }
    }

    @Test func deviceCodeFlow() async throws {
        try await TestServer.run { server in
            let (appId, _) = try await Self.registerApp(server)
            let started = try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/devicecode", body: TestServer.formEncode([
                ("client_id", appId), ("scope", "openid offline_access https://graph.microsoft.com/Synchronization.Read.All"),
            ]), contentType: "application/x-www-form-urlencoded")
            let deviceCode = try #require(started["device_code"] as? String, "\(started.text)")
            let userCode = try #require(started["user_code"] as? String)
            #expect((started["verification_uri"] as? String)?.hasSuffix("/devicelogin") == true && started["interval"] as? Int == 5)
            let confidential = try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/devicecode", body: TestServer.formEncode([
                ("client_id", server.facts.clientId), ("scope", "openid"),
            ]), contentType: "application/x-www-form-urlencoded")
            #expect(confidential["error"] as? String == "unauthorized_client", "the device flow is for public clients: \(confidential.text)")
            let poll = [("client_id", appId), ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode), ("code", deviceCode)]
            #expect(try await self.token(server, poll)["error"] as? String == "authorization_pending")

            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            #expect(try await browser.send(.GET, "/devicelogin").status == 200)
            let wrong = try await browser.send(.POST, "/devicelogin", form: [("otc", "NOPE12345")])
            #expect(wrong.status == 400 && wrong.text.contains("Check the code and try again"))
            let signIn = try await browser.send(.POST, "/devicelogin", form: [("otc", userCode.lowercased())])
            let consent = try await browser.send(.POST, "/\(server.tenantId)/login", form: [
                ("flow", try Self.flow(signIn)), ("login", server.facts.adminUserPrincipalName), ("passwd", server.facts.adminPassword),
            ])
            let done = try await browser.send(.POST, "/\(server.tenantId)/consent", form: [("flow", try Self.flow(consent)), ("accept", "yes")])
            #expect(done.status == 200 && done.text.contains("You may now close this window") && done.text.contains("signed in to Portal"), "\(done.text.prefix(400))")
            let tokens = try await self.token(server, poll)
            #expect(tokens.status == 200 && tokens["refresh_token"] is String && tokens["id_token"] is String, "\(tokens.text)")
            #expect(try await self.token(server, poll)["error"] as? String == "bad_verification_code", "a device code gives tokens once")
        }
    }
}

