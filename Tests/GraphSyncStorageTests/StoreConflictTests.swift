import GraphSyncCore
import GraphSyncStorage
import SQLKit
import Testing

/// A unique constraint that fires is a conflict the HTTP layer answers with a Graph error, on both backends.
@Suite struct StoreConflictTests {
    @Test func aUniqueViolationIsAStoreConflict() async throws {
        try await StorageFixture.withDatabase { fx in
            let insert: @Sendable (String) async throws -> Void = { id in
                try await fx.provider.write { db in
                    try await db.insert(into: "applications").columns("id", "app_id", "display_name", "document")
                        .values(SQLBind(id), SQLBind("same-app-id"), SQLBind("x"), SQLBind("{}")).run()
                }
            }
            try await insert("first")
            await #expect(throws: StoreError.self) { try await insert("second") }
            #expect(try await fx.count("applications") == 1)
        }
    }
}
