import SQLKit

extension Migration {
    /// Groups and direct group membership.
    static let m0003Groups = Migration(version: 3, name: "groups") { db in
        try await db.create(table: "groups")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("display_name", type: .text, .notNull)
            .column("mail_nickname", type: .text, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(table: "group_members")
            .column("group_id", type: .text, .notNull)
            .column("member_id", type: .text, .notNull)
            .column("member_type", type: .text, .notNull)
            .primaryKey("group_id", "member_id").run()
        try await db.create(index: "group_members_by_member").on("group_members").column("member_id").run()
    }
}
