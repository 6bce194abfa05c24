import SQLKit

extension Migration {
    /// What the interactive sign-in flows keep between requests (pending pages, codes, refresh tokens, device codes,
    /// browser sessions), under the SHA-256 of their handles.
    static let m0010SignInGrants = Migration(version: 10, name: "sign-in grants") { db in
        try await db.create(table: "sign_in_grants")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("kind", type: .text, .notNull)
            .column("lookup", type: .text)
            .column("expires_at", type: .exactSeconds, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "sign_in_grants_lookup").on("sign_in_grants").column("lookup").run()
        try await db.create(index: "sign_in_grants_expiry").on("sign_in_grants").column("expires_at").run()
    }
}
