import Crypto
import Foundation
import GraphSyncApp
import GraphSyncCore
import Logging
import SQLKit
import Testing

/// Sealed values are bound to their row: one copied into another row does not open, and values sealed before that
/// binding existed are resealed when a data directory is opened.
@Suite struct SealedSecretTests {
    @Test func aSecretCopiedIntoAnotherRowDoesNotOpen() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, victim, _) = try await server.runtime.createApplication(displayName: "victim", permissions: [])
            let (_, attacker, _) = try await server.runtime.createApplication(displayName: "attacker", permissions: [])
            for (sp, token) in [(victim, "victim-token"), (attacker, "attacker-token")] {
                let reply = try await server.send(.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets", token: admin,
                                                  json: ["value": [["key": "BaseAddress", "value": "https://scim.example/\(sp.id)"],
                                                                   ["key": "SecretToken", "value": token]]])
                #expect(reply.status == 204)
            }
            // Someone with write access to the database copies the victim's sealed token into the attacker's row.
            try await server.runtime.database.write { db in
                let sealed = try await db.select().column("sealed_value").from("synchronization_secrets")
                    .where("service_principal_id", .equal, SQLBind(victim.id)).where("key", .equal, SQLBind("SecretToken")).first()
                let value = try #require(sealed).decode(column: "sealed_value", as: String.self)
                try await db.update("synchronization_secrets").set("sealed_value", to: SQLBind(value))
                    .where("service_principal_id", .equal, SQLBind(attacker.id)).where("key", .equal, SQLBind("SecretToken")).run()
            }
            await #expect(throws: (any Error).self) { try await server.runtime.repositories.synchronizationSecrets.secrets(of: attacker.id) }
            #expect(try await server.runtime.repositories.synchronizationSecrets.secrets(of: victim.id)[.secretToken] == "victim-token")
        }
    }

    @Test func legacyValuesAreResealedOnOpen() async throws {
        let directory = TestServer.temporaryDirectory()
        var configuration = AppConfiguration()
        configuration.dataDirectory = directory
        let logger = Logger(label: "test")
        let spId: String
        do {
            let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
            let (_, sp, _) = try await runtime.createApplication(displayName: "old", permissions: [])
            spId = sp.id
            // A value as versions before the binding sealed it: AES-GCM without associated data, "v1:".
            let keyText = try String(contentsOfFile: (directory as NSString).appendingPathComponent("secret.key"), encoding: .utf8)
            let key = SymmetricKey(data: try #require(Data(base64Encoded: keyText.trimmingCharacters(in: .whitespacesAndNewlines))))
            let legacy = "v1:" + (try AES.GCM.seal(Data("legacy-token".utf8), using: key).combined!).base64EncodedString()
            // ... in a database that an earlier version last opened (no record of the one-time reseal).
            try await runtime.database.write { db in
                try await db.insert(into: "synchronization_secrets").columns("service_principal_id", "key", "sealed_value")
                    .values(SQLBind(sp.id), SQLBind("SecretToken"), SQLBind(legacy)).run()
                try await db.delete(from: "schema_migrations").where("version", .equal, SQLBind(10_001)).run()
            }
            try await runtime.close()
        }
        let reopened = try await GraphSyncRuntime.open(configuration, logger: logger)
        let opened = try? await reopened.repositories.synchronizationSecrets.secrets(of: spId)
        #expect(opened?[.secretToken] == "legacy-token")
        let stored = try await reopened.database.read { db in
            try await db.select().column("sealed_value").from("synchronization_secrets").all().map { try $0.decode(column: "sealed_value", as: String.self) }
        }
        #expect(!stored.isEmpty && stored.allSatisfy { $0.hasPrefix("v2:") })

        // The upgrade runs once: a v1 value put into a row later (an old backup's, copied over) never opens.
        let keyText = try String(contentsOfFile: (directory as NSString).appendingPathComponent("secret.key"), encoding: .utf8)
        let key = SymmetricKey(data: try #require(Data(base64Encoded: keyText.trimmingCharacters(in: .whitespacesAndNewlines))))
        let copied = "v1:" + (try AES.GCM.seal(Data("copied-token".utf8), using: key).combined!).base64EncodedString()
        try await reopened.database.write { db in
            try await db.update("synchronization_secrets").set("sealed_value", to: SQLBind(copied)).where("service_principal_id", .equal, SQLBind(spId)).run()
        }
        try await reopened.close()
        let again = try await GraphSyncRuntime.open(configuration, logger: logger)
        await #expect(throws: (any Error).self) { try await again.repositories.synchronizationSecrets.secrets(of: spId) }
        try await again.close()
    }
}
