import Foundation
import Testing

/// State survives a restart: directory objects, the signing key (old tokens still verify) and secrets.
@Suite struct PersistenceTests {
    @Test func directoryAndKeysSurviveRestart() async throws {
        let directory = TestServer.temporaryDirectory()
        // The issuer names the address clients use: a public URL keeps it across the restart whatever port the
        // restarted server gets (a fixed port could be taken by another test in between).
        let publicURL = "https://graphsync.example.test"
        let (appId, token) = try await TestServer.run(dataDirectory: directory, configure: { $0.publicURL = publicURL }) { server in
            let admin = try await server.adminToken()
            let app = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "durable"])
            return (try #require(app["appId"] as? String), admin)
        }
        try await TestServer.run(dataDirectory: directory, configure: { $0.publicURL = publicURL }) { server in
            // The token minted before the restart still verifies: same key, same tenant.
            let found = try await server.send(.GET, "/v1.0/applications(appId='\(appId)')", token: token)
            #expect(found.status == 200)
            #expect(found["displayName"] as? String == "durable")
            #expect(server.runtime.firstStartFacts == nil)
        }
    }
}
