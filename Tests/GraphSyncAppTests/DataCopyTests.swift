import Foundation
import GraphSyncApp
import GraphSyncCore
import GraphSyncTestSupport
import Logging
import Testing

/// `graphsync backup` and `migrate-data`: everything copied, counts checked, and the copy is a working GraphSync.
@Suite struct DataCopyTests {
    @Test func aBackupIsACompleteWorkingCopyAndMovesToAnotherBackend() async throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (application, sp, secret) = try await server.runtime.createApplication(displayName: "kept", permissions: [.applicationReadWriteAll])
            #expect(try await server.send(.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets", token: admin, json: ["value": [
                ["key": "BaseAddress", "value": "https://scim.example/v2"], ["key": "SecretToken", "value": "kept-token"],
            ]]).status == 204)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs", token: admin, json: ["templateId": "scim"]).status == 201)

            // Backup, while the server runs, into a new SQLite file.
            let file = TestServer.temporaryDirectory() + "/backup.sqlite"
            var backup = server.runtime.configuration
            backup.databaseURL = "sqlite://\(file)"
            let copied = try await DatabaseMaintenance.copy(from: server.runtime.configuration, to: backup, logger: logger)
            #expect(copied.first { $0.table == "synchronization_jobs" }?.rows == 1)
            await #expect(throws: (any Error).self, "a second copy into a database that is not empty is refused") {
                try await DatabaseMaintenance.copy(from: server.runtime.configuration, to: backup, logger: logger)
            }
            try await self.expectWorking(backup, application: application, sp: sp, secret: secret, logger: logger)

            // And on to PostgreSQL (or another SQLite file when no PostgreSQL test server is given).
            var moved = backup
            moved.databaseURL = try await TestPostgres.freshDatabaseURL() ?? "sqlite://\(TestServer.temporaryDirectory())/moved.sqlite"
            _ = try await DatabaseMaintenance.copy(from: backup, to: moved, logger: logger)
            try await self.expectWorking(moved, application: application, sp: sp, secret: secret, logger: logger)
        }
    }

    /// The copy opens as a GraphSync with the same objects, readable secrets and working credentials.
    func expectWorking(_ configuration: AppConfiguration, application: GraphSyncCore.Application, sp: ServicePrincipal, secret: String, logger: Logger) async throws {
        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        do {
            #expect(try await runtime.repositories.applications.get(id: application.id)?.displayName == "kept")
            #expect(try await runtime.repositories.synchronizationSecrets.secrets(of: sp.id)[.secretToken] == "kept-token")
            #expect(try await runtime.repositories.jobs.list(servicePrincipalId: sp.id).count == 1)
            _ = try await runtime.issueToken(clientId: application.appId, clientSecret: secret, username: nil, password: nil, scope: nil)
            try await runtime.close()
        } catch {
            try? await runtime.close()
            throw error
        }
    }
}
