import SQLKit

extension Migration {
    /// The `$orderby` pages of the directory: (sort column, id) indexes, so a sorted page reads its own rows in order
    /// from where the previous one ended, instead of sorting the table.
    static let m0016SortedPages = Migration(version: 16, name: "sorted pages") { db in
        for table in ["applications", "service_principals", "users", "groups"] {
            try await db.create(index: "\(table)_by_display_name").on(table).column("display_name").column("id").run()
        }
        try await db.create(index: "users_by_user_principal_name").on("users").column("user_principal_name").column("id").run()
    }
}
