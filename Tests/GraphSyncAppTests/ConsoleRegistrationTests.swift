import Foundation
import GraphSyncCore
import Testing

/// The console's registration: its redirect URIs match exactly (no loopback port wildcard), are this start's addresses
/// only, and cannot be edited through Graph (security review 21, items 3 and 7).
@Suite struct ConsoleRegistrationTests {
    func authorize(_ server: TestServer, redirect: String) async throws -> TestServer.Reply {
        try await server.send(.GET, "/\(server.tenantId)/oauth2/v2.0/authorize?" + TestServer.formEncode([
            ("client_id", WellKnown.consoleAppId), ("response_type", "code"), ("redirect_uri", redirect), ("scope", "openid"),
            ("state", "s1"), ("code_challenge", SignInTests.challenge), ("code_challenge_method", "S256"),
        ]))
    }

    func consoleRedirectUris(_ server: TestServer) async throws -> [String] {
        let application = try #require(try await server.runtime.repositories.applications.get(appId: WellKnown.consoleAppId))
        return application.properties["publicClient"]?["redirectUris"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test func theConsolesLoopbackRedirectMatchesItsPortOnly() async throws {
        try await TestServer.run { server in
            let port = server.runtime.configuration.port
            #expect(try await self.authorize(server, redirect: "http://127.0.0.1:\(port)/console/callback").status == 200)
            let other = port == 9 ? 10 : 9
            for host in ["127.0.0.1", "localhost"] {
                let elsewhere = try await self.authorize(server, redirect: "http://\(host):\(other)/console/callback")
                #expect(elsewhere.status == 400 && elsewhere.text.contains("AADSTS50011") && elsewhere.headers.first(name: "Location") == nil,
                        "\(host):\(other): \(elsewhere.status) \(elsewhere.text.prefix(300))")
            }
        }
    }

    @Test func aRestartReplacesTheConsolesRedirectUris() async throws {
        let directory = TestServer.temporaryDirectory()
        let first = try await TestServer.run(dataDirectory: directory) { server in
            let uris = try await self.consoleRedirectUris(server)
            #expect(!uris.isEmpty)
            return (uris, server.runtime.configuration.port)
        }
        try await TestServer.run(dataDirectory: directory, configure: { $0.publicURL = "https://graphsync.example.test" }) { server in
            let uris = try await self.consoleRedirectUris(server)
            #expect(uris == ["https://graphsync.example.test/console/callback"], "the first start's \(first.0) are gone: \(uris)")
            let old = try await self.authorize(server, redirect: "http://127.0.0.1:\(first.1)/console/callback")
            #expect(old.status == 400 && old.text.contains("AADSTS50011"), "\(old.status) \(old.text.prefix(300))")
        }
    }
}
