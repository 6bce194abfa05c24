import SQLKit

extension Migration {
    /// Deleted items by when they were deleted, for the sweep that purges those past their retention.
    static let m0012DeletedItemAges = Migration(version: 12, name: "deleted item ages") { db in
        try await db.create(index: "deleted_items_deleted_at").on("deleted_items").column("deleted_at").run()
    }
}
