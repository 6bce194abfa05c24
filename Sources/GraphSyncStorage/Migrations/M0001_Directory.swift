import Foundation
import SQLKit

extension Migration {
    /// The directory: tenant, signing keys, applications, service principals, users, owners and grants.
    ///
    /// Each object is a JSON document plus the columns it is looked up and filtered by (lowercased where Graph
    /// compares case-insensitively).
    static let m0001Directory = Migration(version: 1, name: "directory") { db in
        try await db.create(table: "tenant")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("document", type: .text, .notNull).run()
        try await db.create(table: "signing_keys")
            .column("kid", type: .text, .primaryKey(autoIncrement: false))
            .column("sealed_key", type: .text, .notNull)
            .column("created_at", type: .text, .notNull).run()
        for table in ["applications", "service_principals"] {
            try await db.create(table: table)
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("app_id", type: .text, .notNull, .unique)
                .column("display_name", type: .text, .notNull)
                .column("document", type: .text, .notNull).run()
        }
        try await db.create(table: "users")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("user_principal_name", type: .text, .notNull, .unique)
            .column("display_name", type: .text, .notNull)
            .column("mail_nickname", type: .text, .notNull)
            .column("mail", type: .text)
            .column("document", type: .text, .notNull).run()
        try await db.create(table: "owners")
            .column("object_id", type: .text, .notNull)
            .column("owner_id", type: .text, .notNull)
            .column("owner_type", type: .text, .notNull)
            .primaryKey("object_id", "owner_id").run()
        try await db.create(index: "owners_by_owner").on("owners").column("owner_id").run()
        try await db.create(table: "app_role_assignments")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("principal_id", type: .text, .notNull)
            .column("resource_id", type: .text, .notNull)
            .column("app_role_id", type: .text, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "app_role_assignments_by_principal").on("app_role_assignments").column("principal_id").run()
        try await db.create(index: "app_role_assignments_by_resource").on("app_role_assignments").column("resource_id").run()
        try await db.create(table: "permission_grants")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("client_id", type: .text, .notNull)
            .column("resource_id", type: .text, .notNull)
            .column("consent_type", type: .text, .notNull)
            .column("principal_id", type: .text)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "permission_grants_by_client").on("permission_grants").column("client_id").run()
        try await db.create(table: "role_assignments")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("principal_id", type: .text, .notNull)
            .column("role_definition_id", type: .text, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "role_assignments_by_principal").on("role_assignments").column("principal_id").run()
    }
}
