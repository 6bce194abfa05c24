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

    /// `migrate-data` takes database passwords from a file or the environment rather than the command line, where
    /// process lists show them; a URL with its own password still works.
    @Test func databasePasswordsComeFromAFileOrTheEnvironment() async throws {
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/password"
        try "p@ss:w/rd?#%\n".write(toFile: file, atomically: true, encoding: .utf8)
        let plain = "postgres://gs@db.example:5432/graphsync?sslmode=disable"
        let withFile = try DatabasePassword.resolve(plain, file: file, variable: "GRAPHSYNC_SOURCE_DATABASE_PASSWORD", environment: [:])
        #expect(URLComponents(string: withFile)?.password == "p@ss:w/rd?#%" && URLComponents(string: withFile)?.host == "db.example", "\(withFile)")
        #expect(withFile.hasSuffix("@db.example:5432/graphsync?sslmode=disable"))
        let fromVariable = try DatabasePassword.resolve(plain, file: nil, variable: "V", environment: ["V": "from-env"])
        #expect(URLComponents(string: fromVariable)?.password == "from-env")
        // A URL with its own password keeps working; a variable set for something else does not get in the way.
        #expect(try DatabasePassword.resolve("postgres://gs:inline@db/graphsync", file: nil, variable: "V", environment: ["V": "x"]) == "postgres://gs:inline@db/graphsync")
        #expect(try DatabasePassword.resolve("sqlite:///tmp/a.sqlite", file: nil, variable: "V", environment: ["V": "x"]) == "sqlite:///tmp/a.sqlite")
        #expect(throws: ConfigurationError.self, "two passwords") { try DatabasePassword.resolve("postgres://gs:inline@db/graphsync", file: file, variable: "V") }
        #expect(throws: ConfigurationError.self, "SQLite takes none") { try DatabasePassword.resolve("sqlite:///tmp/a.sqlite", file: file, variable: "V") }
        #expect(throws: ConfigurationError.self, "no such file") { try DatabasePassword.resolve(plain, file: directory + "/missing", variable: "V") }

        // On PostgreSQL, a copy into a database named without its password, the password (which a test server with
        // trust authentication ignores) coming from a file.
        guard let target = try await TestPostgres.freshDatabaseURL(), var components = URLComponents(string: target) else { return }
        let password = components.password ?? "p@ss:w/rd?#%"
        components.password = nil
        try "\(password)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try await TestServer.run { server in
            var moved = server.runtime.configuration
            moved.databaseURL = try DatabasePassword.resolve(try #require(components.string), file: file, variable: "V", environment: [:])
            let copied = try await DatabaseMaintenance.copy(from: server.runtime.configuration, to: moved, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            #expect(copied.contains { $0.table == "users" && $0.rows >= 1 })
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
