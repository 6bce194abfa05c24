import Foundation
import GraphSyncCore
import Testing

/// Cancel on the confirmation page declines, even when no new consent is needed (security review 21, item 2): a
/// device code's poll is refused, and the code flow goes back to the app with `access_denied` and no code.
@Suite struct SignInCancelTests {
    typealias Browser = SignInTests.Browser

    func token(_ server: TestServer, _ form: [(String, String)]) async throws -> TestServer.Reply {
        try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", body: TestServer.formEncode(form), contentType: "application/x-www-form-urlencoded")
    }

    @Test func cancelDeclinesADeviceCodeThatNeedsNoConsent() async throws {
        try await TestServer.run { server in
            let (appId, _) = try await SignInTests.registerApp(server)
            // No Graph scope: nothing to consent to, so the page only confirms the device.
            let started = try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/devicecode", body: TestServer.formEncode([
                ("client_id", appId), ("scope", "openid offline_access"),
            ]), contentType: "application/x-www-form-urlencoded")
            let deviceCode = try #require(started["device_code"] as? String, "\(started.text)")
            let userCode = try #require(started["user_code"] as? String)
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let signIn = try await browser.send(.POST, "/devicelogin", form: [("otc", userCode)])
            let confirm = try await browser.send(.POST, "/\(server.tenantId)/login", form: [
                ("flow", try SignInTests.flow(signIn)), ("login", server.facts.adminUserPrincipalName), ("passwd", server.facts.adminPassword),
            ])
            #expect(confirm.status == 200, "\(confirm.text.prefix(400))")
            let cancelled = try await browser.send(.POST, "/\(server.tenantId)/consent", form: [("flow", try SignInTests.flow(confirm)), ("accept", "no")])
            #expect(cancelled.text.contains("Sign-in declined") && !cancelled.text.contains("You have signed in"), "\(cancelled.text.prefix(400))")
            let poll = try await self.token(server, [
                ("client_id", appId), ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode),
            ])
            #expect(poll.status == 400 && poll["access_token"] == nil && poll["refresh_token"] == nil, "\(poll.text)")
            #expect(poll["error"] as? String == "authorization_declined", "\(poll.text)")
            #expect((poll["error_description"] as? String)?.contains("AADSTS70000") == true)
        }
    }

    @Test func cancelWithPromptConsentReturnsAccessDenied() async throws {
        try await TestServer.run { server in
            let (appId, _) = try await SignInTests.registerApp(server)
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let path = "/\(server.tenantId)/oauth2/v2.0/authorize?" + TestServer.formEncode([
                ("client_id", appId), ("response_type", "code"), ("redirect_uri", "http://localhost:5555"), ("scope", "openid profile offline_access"),
                ("state", "s1"), ("code_challenge", SignInTests.challenge), ("code_challenge_method", "S256"), ("prompt", "consent"),
            ])
            let page = try await browser.send(.GET, path)
            let confirm = try await browser.send(.POST, "/\(server.tenantId)/login", form: [
                ("flow", try SignInTests.flow(page)), ("login", server.facts.adminUserPrincipalName), ("passwd", server.facts.adminPassword),
            ])
            #expect(confirm.status == 200, "prompt=consent shows the consent page: \(confirm.text.prefix(400))")
            let cancelled = try await browser.send(.POST, "/\(server.tenantId)/consent", form: [("flow", try SignInTests.flow(confirm)), ("accept", "no")])
            #expect(cancelled.status == 302, "\(cancelled.text.prefix(400))")
            let answer = SignInTests.query(cancelled.headers.first(name: "Location"))
            #expect(answer["error"] == "access_denied" && answer["code"] == nil && answer["state"] == "s1", "\(answer)")
        }
    }
}
