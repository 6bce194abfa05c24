import Foundation
import GraphSyncCore
import Testing

/// Revocation is for good: disabling, deleting or `revokeSignInSessions` moves the user's
/// `signInSessionsValidFromDateTime`, and refresh tokens and browser sessions from before it never work again, even
/// once the user is enabled or restored.
@Suite struct SessionRevocationTests {
    typealias Browser = SignInTests.Browser

    static let redirect = "http://localhost:5555"

    /// Signs `upn` in through the pages (consenting for the organization when asked) and redeems the code: the refresh
    /// token, with the browser that now holds the session.
    func signIn(_ server: TestServer, appId: String, upn: String, password: String) async throws -> (refreshToken: String, browser: Browser) {
        let browser = Browser(server)
        let page = try await browser.send(.GET, SignInTests().authorizePath(server, appId, redirect: Self.redirect))
        var step = try await browser.send(.POST, "/\(server.tenantId)/login", form: [("flow", try SignInTests.flow(page)), ("login", upn), ("passwd", password)])
        if step.status == 200 {
            step = try await browser.send(.POST, "/\(server.tenantId)/consent", form: [("flow", try SignInTests.flow(step)), ("accept", "yes")])
        }
        let code = try #require(SignInTests.query(step.headers.first(name: "Location"))["code"], "\(step.status) \(step.text.prefix(400))")
        let tokens = try await self.token(server, [("client_id", appId), ("grant_type", "authorization_code"), ("code", code),
                                                   ("redirect_uri", Self.redirect), ("code_verifier", SignInTests.verifier)])
        return (try #require(tokens["refresh_token"] as? String, "\(tokens.text)"), browser)
    }

    func token(_ server: TestServer, _ form: [(String, String)]) async throws -> TestServer.Reply {
        try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", body: TestServer.formEncode(form), contentType: "application/x-www-form-urlencoded")
    }

    func refresh(_ server: TestServer, appId: String, _ refreshToken: String) async throws -> TestServer.Reply {
        try await self.token(server, [("client_id", appId), ("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
    }

    /// A user without a role, signed in to an app the administrator consented to for everyone.
    func withSignedInUser(_ body: (TestServer, _ appId: String, _ userId: String, _ refreshToken: String, Browser) async throws -> Void) async throws {
        try await TestServer.run { server in
            let (appId, _) = try await SignInTests.registerApp(server)
            let admin = try await self.signIn(server, appId: appId, upn: server.facts.adminUserPrincipalName, password: server.facts.adminPassword)
            try await admin.browser.close()
            let created = try await server.send(.POST, "/v1.0/users", token: try await server.adminToken(), json: [
                "accountEnabled": true, "displayName": "Ada", "mailNickname": "ada", "userPrincipalName": "ada@\(server.facts.adminUserPrincipalName.split(separator: "@")[1])",
                "passwordProfile": ["password": "Ada!Passw0rd-1", "forceChangePasswordNextSignIn": false],
            ])
            let userId = try #require(created["id"] as? String, "\(created.text)")
            let ada = try await self.signIn(server, appId: appId, upn: created["userPrincipalName"] as? String ?? "", password: "Ada!Passw0rd-1")
            defer { Task { try? await ada.browser.close() } }
            try await body(server, appId, userId, ada.refreshToken, ada.browser)
        }
    }

    static func isRevoked(_ reply: TestServer.Reply) -> Bool {
        reply.status == 400 && reply["error"] as? String == "invalid_grant"
    }

    // MARK: Tests

    @Test func disablingThenEnablingDoesNotReviveRefreshTokensOrSessions() async throws {
        try await self.withSignedInUser { server, appId, userId, refreshToken, browser in
            let admin = try await server.adminToken()
            #expect(try await server.send(.PATCH, "/v1.0/users/\(userId)", token: admin, json: ["accountEnabled": false]).status == 204)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(userId)", token: admin, json: ["accountEnabled": true]).status == 204)
            let reply = try await self.refresh(server, appId: appId, refreshToken)
            #expect(Self.isRevoked(reply), "a refresh token from before the account was disabled: \(reply.text)")
            let again = try await browser.send(.GET, SignInTests().authorizePath(server, appId, redirect: Self.redirect))
            #expect(again.status == 200 && again.text.contains("Sign in"), "the browser session ended with the disable")
        }
    }

    @Test func deletingThenRestoringDoesNotReviveRefreshTokens() async throws {
        try await self.withSignedInUser { server, appId, userId, refreshToken, _ in
            let admin = try await server.adminToken()
            #expect(try await server.send(.DELETE, "/v1.0/users/\(userId)", token: admin).status == 204)
            let restored = try await server.send(.POST, "/v1.0/directory/deletedItems/\(userId)/restore", token: admin)
            #expect(restored.status == 200, "\(restored.text)")
            let reply = try await self.refresh(server, appId: appId, refreshToken)
            #expect(Self.isRevoked(reply), "a refresh token from before the user was deleted: \(reply.text)")
        }
    }

    @Test func revokeSignInSessionsEndsOldTokensAndANewSignInWorks() async throws {
        try await self.withSignedInUser { server, appId, userId, refreshToken, browser in
            let reader = try await server.mint(server.appGrant(roles: ["User.Read.All"]))
            #expect(try await server.send(.POST, "/v1.0/users/\(userId)/revokeSignInSessions", token: reader).status == 403)
            let revoker = try await server.mint(server.appGrant(roles: ["User.RevokeSessions.All"]))
            let revoked = try await server.send(.POST, "/v1.0/users/\(userId)/revokeSignInSessions", token: revoker)
            #expect(revoked.status == 200, "\(revoked.text)")
            #expect(revoked["value"] as? Bool == true && (revoked["@odata.context"] as? String)?.hasSuffix("$metadata#Edm.Boolean") == true)
            let reply = try await self.refresh(server, appId: appId, refreshToken)
            #expect(Self.isRevoked(reply) && (reply["error_description"] as? String)?.contains("AADSTS50173") == true, "\(reply.text)")
            let page = try await browser.send(.GET, SignInTests().authorizePath(server, appId, redirect: Self.redirect))
            #expect(page.status == 200 && page.text.contains("Sign in"), "the browser session ended too")

            let upn = try await server.send(.GET, "/v1.0/users/\(userId)?$select=userPrincipalName,signInSessionsValidFromDateTime", token: try await server.adminToken())
            #expect(upn["signInSessionsValidFromDateTime"] as? String != nil, "\(upn.text)")
            let fresh = try await self.signIn(server, appId: appId, upn: upn["userPrincipalName"] as? String ?? "", password: "Ada!Passw0rd-1")
            try await fresh.browser.close()
            let renewed = try await self.refresh(server, appId: appId, fresh.refreshToken)
            #expect(renewed.status == 200 && renewed["refresh_token"] != nil, "a sign-in after the revocation works: \(renewed.text)")
        }
    }

    /// A sign-in parked on the consent page (the password already checked) when the sessions are revoked gets no code
    /// that works: its authentication is from before the revocation.
    @Test func aSignInParkedOnTheConsentPageDiesWithTheRevocation() async throws {
        try await self.withSignedInUser { server, appId, userId, _, _ in
            let upn = try #require(try await server.send(.GET, "/v1.0/users/\(userId)", token: try await server.adminToken())["userPrincipalName"] as? String)
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let page = try await browser.send(.GET, SignInTests().authorizePath(server, appId, redirect: Self.redirect, extra: [("prompt", "consent")]))
            let consent = try await browser.send(.POST, "/\(server.tenantId)/login", form: [("flow", try SignInTests.flow(page)), ("login", upn), ("passwd", "Ada!Passw0rd-1")])
            #expect(consent.status == 200, "the consent page: \(consent.text.prefix(300))")
            let revoker = try await server.mint(server.appGrant(roles: ["User.RevokeSessions.All"]))
            #expect(try await server.send(.POST, "/v1.0/users/\(userId)/revokeSignInSessions", token: revoker).status == 200)
            let accepted = try await browser.send(.POST, "/\(server.tenantId)/consent", form: [("flow", try SignInTests.flow(consent)), ("accept", "yes")])
            guard let code = SignInTests.query(accepted.headers.first(name: "Location"))["code"] else { return }  // refused at once: fine
            let tokens = try await self.token(server, [("client_id", appId), ("grant_type", "authorization_code"), ("code", code),
                                                       ("redirect_uri", Self.redirect), ("code_verifier", SignInTests.verifier)])
            #expect(Self.isRevoked(tokens), "a code from a sign-in before the revocation: \(tokens.text)")
        }
    }

    @Test func theSignedInUserRevokesTheirOwnSessions() async throws {
        try await self.withSignedInUser { server, appId, userId, refreshToken, _ in
            let app = try await server.mint(server.appGrant(roles: ["User.RevokeSessions.All"]))
            #expect(try await server.send(.POST, "/v1.0/me/revokeSignInSessions", token: app).status == 400, "an app has no signed-in user")
            let own = try await server.mint(server.userGrant(scopes: ["User.Read"], wids: [], objectId: userId))
            #expect(try await server.send(.POST, "/v1.0/me/revokeSignInSessions", token: own).status == 403)
            let allowed = try await server.mint(server.userGrant(scopes: ["User.RevokeSessions.All"], wids: [], objectId: userId))
            let revoked = try await server.send(.POST, "/v1.0/me/revokeSignInSessions", token: allowed)
            #expect(revoked.status == 200 && revoked["value"] as? Bool == true, "\(revoked.text)")
            #expect(Self.isRevoked(try await self.refresh(server, appId: appId, refreshToken)))
        }
    }
}
