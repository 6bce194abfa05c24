import SQLKit

extension Migration {
    /// Synchronization secrets keep the order they were saved in (Graph returns them so).
    static let m0007SecretOrder = Migration(version: 7, name: "secret order") { db in
        try await db.alter(table: "synchronization_secrets").column("position", type: .int, .notNull, .default(0)).run()
    }
}
