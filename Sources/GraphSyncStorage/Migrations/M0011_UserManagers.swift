import Foundation
import GraphSyncCore
import SQLKit

extension Migration {
    /// Users get a `manager_id` column, so a manager's direct reports are one indexed query.
    static let m0011UserManagers = Migration(version: 11, name: "user managers") { db in
        try await db.alter(table: "users").column("manager_id", type: .text).run()
        for row in try await db.select().column("document").from("users").all() {
            let user = try DocumentTable<User>.decode(row)
            guard let managerId = user.managerId else { continue }
            try await db.update("users").set("manager_id", to: SQLBind(managerId.lowercased())).where("id", .equal, SQLBind(user.id)).run()
        }
        try await db.create(index: "users_manager").on("users").column("manager_id").run()
    }
}
