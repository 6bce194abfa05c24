import SQLKit

extension Migration {
    /// Synchronization secrets: one sealed value per (service principal, key).
    static let m0002SynchronizationSecrets = Migration(version: 2, name: "synchronization secrets") { db in
        try await db.create(table: "synchronization_secrets")
            .column("service_principal_id", type: .text, .notNull)
            .column("key", type: .text, .notNull)
            .column("sealed_value", type: .text, .notNull)
            .primaryKey("service_principal_id", "key").run()
    }
}
