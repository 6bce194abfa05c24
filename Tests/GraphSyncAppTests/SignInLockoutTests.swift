import Foundation
import GraphSyncCore
import Testing

/// Guessing cannot lock everyone out (security review 21, item 6): throttles are keyed on the source address, and an
/// account's lockout on (account, address) for addresses it signed in from before. The other clients come from other
/// loopback addresses (127.0.0.2, …) over raw connections.
@Suite struct SignInLockoutTests {
    func port(_ server: TestServer) -> Int { server.runtime.configuration.port }

    func passwordForm(_ server: TestServer, _ username: String, _ password: String) -> String {
        TestServer.formEncode([
            ("grant_type", "password"), ("client_id", server.facts.clientId), ("client_secret", server.facts.clientSecret),
            ("username", username), ("password", password), ("scope", "https://graph.microsoft.com/.default"),
        ])
    }

    /// The password grant from `source` (a loopback address); the status and the answer's AADSTS codes.
    func signIn(_ server: TestServer, from source: String, _ username: String, _ password: String) async throws -> (status: Int, text: String) {
        try await RawConnection.exchange(port: self.port(server), from: source, "POST", "/\(server.tenantId)/oauth2/v2.0/token",
                                   form: self.passwordForm(server, username, password))
    }

    // Six failures a minute per address instead of 60: the same rule, with fewer passwords to stretch on a busy machine.

    @Test func madeUpNamesFromAnotherAddressDoNotBlockTheAdmin() async throws {
        try await TestServer.run(configure: { $0.signIn.addressFailuresPerMinute = 6 }) { server in
            var refused = 0
            for index in 1...7 {
                let reply = try await self.signIn(server, from: "127.0.0.2", "made-up-\(index)@graphsync.local", "Summer2026!")
                if reply.status == 429 { refused += 1 }
            }
            #expect(refused >= 1, "the spraying address is throttled")
            let admin = try await self.signIn(server, from: "127.0.0.1", server.facts.adminUserPrincipalName, server.facts.adminPassword)
            #expect(admin.status == 200, "\(admin.text.suffix(400))")
        }
    }

    @Test func madeUpNamesFromTheAdminsOwnAddressDoNotBlockTheAdminThere() async throws {
        try await TestServer.run(configure: { $0.signIn.addressFailuresPerMinute = 6 }) { server in
            #expect(try await self.signIn(server, from: "127.0.0.1", server.facts.adminUserPrincipalName, server.facts.adminPassword).status == 200)
            for index in 1...6 { _ = try await self.signIn(server, from: "127.0.0.1", "made-up-\(index)@graphsync.local", "Summer2026!") }
            #expect(try await self.signIn(server, from: "127.0.0.1", "made-up-7@graphsync.local", "Summer2026!").status == 429)
            let admin = try await self.signIn(server, from: "127.0.0.1", server.facts.adminUserPrincipalName, server.facts.adminPassword)
            #expect(admin.status == 200, "an address the admin signed in from stays open to the admin: \(admin.text.suffix(400))")
        }
    }

    @Test func wrongPasswordsFromElsewhereDoNotLockTheAdminOutOfAFamiliarAddress() async throws {
        try await TestServer.run { server in
            let admin = server.facts.adminUserPrincipalName
            #expect(try await self.signIn(server, from: "127.0.0.1", admin, server.facts.adminPassword).status == 200)
            for attempt in 1...12 { _ = try await self.signIn(server, from: "127.0.0.3", admin, "Wrong-\(attempt)") }
            let there = try await self.signIn(server, from: "127.0.0.3", admin, server.facts.adminPassword)
            #expect(there.text.contains("AADSTS50053"), "the account is locked for the unfamiliar address: \(there.text.suffix(400))")
            let here = try await self.signIn(server, from: "127.0.0.1", admin, server.facts.adminPassword)
            #expect(here.status == 200, "but not where the admin signed in before: \(here.text.suffix(400))")
        }
    }

    @Test func anAdministratorsUnlockEndsALockout() async throws {
        try await TestServer.run(configure: { $0.signIn.threshold = 3 }) { server in
            _ = try await server.runtime.createUser(userPrincipalName: "ada@graphsync.local", displayName: "Ada", password: "Right-Pass-123", roles: [])
            for attempt in 1...3 { _ = try await self.signIn(server, from: "127.0.0.2", "ada@graphsync.local", "Wrong-\(attempt)") }
            #expect(try await self.signIn(server, from: "127.0.0.2", "ada@graphsync.local", "Right-Pass-123").text.contains("AADSTS50053"))
            // What `graphsync user unlock` does, through the database as from another process (by object id, too).
            let ada = try await server.runtime.unlockUser("ADA@graphsync.local")
            let unlocked = try await self.signIn(server, from: "127.0.0.2", "ada@graphsync.local", "Right-Pass-123")
            #expect(unlocked.status == 200, "\(unlocked.text.suffix(300))")
            for attempt in 4...6 { _ = try await self.signIn(server, from: "127.0.0.3", "ada@graphsync.local", "Wrong-\(attempt)") }
            #expect(try await self.signIn(server, from: "127.0.0.3", "ada@graphsync.local", "Right-Pass-123").text.contains("AADSTS50053"),
                    "failures after an unlock count again")
            _ = try await server.runtime.unlockUser(ada.id)
            #expect(try await self.signIn(server, from: "127.0.0.3", "ada@graphsync.local", "Right-Pass-123").status == 200)
            await #expect(throws: DirectoryError.self) { _ = try await server.runtime.unlockUser("nobody@graphsync.local") }
        }
    }

    @Test func startingManySignInsFromOneAddressDoesNotThrottleAnother() async throws {
        try await TestServer.run { server in
            var last = 0
            for _ in 1...610 { last = try await RawConnection.exchange(port: self.port(server), from: "127.0.0.2", "GET", "/console/signin").status }
            #expect(last == 429, "the flooding address is throttled")
            let authorize = try await server.send(.GET, "/\(server.tenantId)/oauth2/v2.0/authorize?" + TestServer.formEncode([
                ("client_id", WellKnown.consoleAppId), ("response_type", "code"), ("redirect_uri", "\(server.baseURL)/console/callback"),
                ("scope", "openid"), ("code_challenge", SignInTests.challenge), ("code_challenge_method", "S256"),
            ]))
            #expect(authorize.status == 200, "another address still gets the sign-in page: \(authorize.status) \(authorize.text.prefix(300))")
        }
    }
}
