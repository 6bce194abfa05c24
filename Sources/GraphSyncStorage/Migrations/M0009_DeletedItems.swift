import SQLKit

extension Migration {
    /// Soft-deleted directory objects, as their documents, until restored or deleted for good.
    static let m0009DeletedItems = Migration(version: 9, name: "deleted items") { db in
        try await db.create(table: "deleted_items")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("object_type", type: .text, .notNull)
            .column("deleted_at", type: .exactSeconds, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "deleted_items_type").on("deleted_items").column("object_type").column("deleted_at").run()
    }
}
