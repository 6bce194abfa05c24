import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import SQLKit
import Testing


/// The contract of the SQL repositories, against a real database per test (SQLite, or PostgreSQL when
/// GRAPHSYNC_TEST_POSTGRES_URL is set); the tests are in the extensions beside this file, one per aggregate.
@Suite("SQL repository contract")
struct RepositoryContractTests {
    struct Boom: Error {}
}

@Suite("Synchronization secrets in SQL")
struct SynchronizationSecretRepositoryTests {
    @Test func replaceIsWholeSealedAndCascadesWithTheServicePrincipal() async throws {
        try await StorageFixture.withDatabase { fixture in
            let app = Make.application("sync")
            let sp = Make.servicePrincipal(for: app)
            try await fixture.repositories.applications.create(app, owners: [])
            try await fixture.repositories.servicePrincipals.create(sp, owners: [])
            let store = fixture.repositories.synchronizationSecrets
            #expect(try await store.secrets(of: sp.id).values.isEmpty)

            try await store.replace(SynchronizationSecrets([.baseAddress: "https://scim.example", .secretToken: "token-123"]), of: sp.id)
            #expect(try await store.secrets(of: sp.id).values == [.baseAddress: "https://scim.example", .secretToken: "token-123"])
            // Values reach the table only through the sealer.
            let raw = try await fixture.provider.read { db in
                try await db.select().column("sealed_value").from("synchronization_secrets").all().map { try $0.decode(column: "sealed_value", as: String.self) }
            }
            #expect(raw.count == 2 && raw.allSatisfy { $0.hasPrefix("sealed:") && !$0.contains("token-123") })

            try await store.replace(SynchronizationSecrets([.secretToken: "token-456"]), of: sp.id)
            #expect(try await store.secrets(of: sp.id).values == [.secretToken: "token-456"])

            #expect(try await fixture.repositories.servicePrincipals.delete(id: sp.id))
            #expect(try await store.secrets(of: sp.id).values.isEmpty)
        }
    }
}
