import Foundation
import GraphSyncCore
import Testing

/// The password grant under guessing: smart lockout per account (known or not), and a cap on failures per address.
@Suite struct SignInThrottleTests {
    func signIn(_ server: TestServer, _ username: String, _ password: String) async throws -> TestServer.Reply {
        let form = [
            ("grant_type", "password"), ("client_id", server.facts.clientId), ("client_secret", server.facts.clientSecret),
            ("username", username), ("password", password), ("scope", "https://graph.microsoft.com/.default"),
        ]
        return try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", body: TestServer.formEncode(form),
                                     contentType: "application/x-www-form-urlencoded")
    }

    func codes(_ reply: TestServer.Reply) -> [Int] { (reply["error_codes"] as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } ?? [] }

    @Test func accountsLockAfterRepeatedWrongPasswords() async throws {
        try await TestServer.run(configure: {
            $0.signIn.threshold = 5
            $0.signIn.lockout = 60
        }) { server in
            _ = try await server.runtime.createUser(userPrincipalName: "ada@graphsync.local", displayName: "Ada", password: "Right-Pass-123", roles: [])
            // The same wrong password again and again counts once (Entra tracks the last three).
            for _ in 1...8 { #expect(codes(try await signIn(server, "ada@graphsync.local", "Wrong-1")) == [50_126]) }
            #expect(try await signIn(server, "ada@graphsync.local", "Right-Pass-123").status == 200)
            // Different wrong passwords lock the account; then even the right one is refused.
            for attempt in 1...5 { _ = try await signIn(server, "ada@graphsync.local", "Wrong-\(attempt)") }
            let locked = try await signIn(server, "ada@graphsync.local", "Right-Pass-123")
            #expect(locked.status == 400 && codes(locked) == [50_053], "\(locked.text)")
            // An unknown account answers the same way, so lockout does not reveal which accounts exist.
            for attempt in 1...5 { _ = try await signIn(server, "nobody@graphsync.local", "Wrong-\(attempt)") }
            #expect(codes(try await signIn(server, "nobody@graphsync.local", "Anything-1")) == [50_053])
            // Other accounts are unaffected.
            #expect(try await signIn(server, server.facts.adminUserPrincipalName, server.facts.adminPassword).status == 200)
        }
    }

    @Test func anAddressSprayingPasswordsIsThrottled() async throws {
        try await TestServer.run(configure: { $0.signIn.addressFailuresPerMinute = 6 }) { server in
            for index in 1...6 { _ = try await signIn(server, "user\(index)@graphsync.local", "Summer2026!") }
            let throttled = try await signIn(server, server.facts.adminUserPrincipalName, server.facts.adminPassword)
            #expect(throttled.status == 429, "\(throttled.text)")
            #expect(Int(throttled.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            // Client credentials are not a password guess and stay available.
            _ = try await server.adminToken()
        }
    }

    @Test func concurrentGuessesCannotOverrunTheThreshold() async throws {
        try await TestServer.run(configure: { $0.signIn.threshold = 5 }) { server in
            _ = try await server.runtime.createUser(userPrincipalName: "eve@graphsync.local", displayName: "Eve", password: "Right-Pass-123", roles: [])
            let replies = try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
                // 12 at once: more than the threshold, and within the test client's 8 connections plus a short queue, so the
                // run does not depend on how fast a loaded machine stretches passwords.
                for attempt in 0..<12 { group.addTask { try await self.signIn(server, "eve@graphsync.local", "Guess-\(attempt)") } }
                return try await group.reduce(into: [TestServer.Reply]()) { $0.append($1) }
            }
            // At most `threshold` passwords were actually checked; the rest were refused as locked or throttled.
            let checked = replies.filter { self.codes($0) == [50_126] }.count
            #expect(checked <= 5, "\(checked) guesses were checked")
            #expect(replies.allSatisfy { [[50_126], [50_053], [50_196]].contains(self.codes($0)) })
        }
    }
}
