import Foundation
import GraphSyncCore
import SQLKit

/// Sign-in grants in SQL: one row per grant in `sign_in_grants`, keyed by the hash of its handle.
public struct SQLSignInGrantRepository: SignInGrantRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    private static let columns = ["id", "kind", "lookup", "expires_at", "document"]

    public func insert(_ grant: StoredSignInGrant) async throws {
        try await self.database.write { db in
            try await db.insert(into: "sign_in_grants").columns(Self.columns)
                .values(SQLBind(grant.id), SQLBind(grant.kind.rawValue), SQLBind(grant.lookup), SQLBind(grant.expiresAt.timeIntervalSince1970),
                        SQLBind(grant.document)).run()
        }
    }

    public func get(id: String, kind: SignInGrantKind) async throws -> StoredSignInGrant? {
        try await self.database.read { db in
            try await db.select().columns(Self.columns).from("sign_in_grants")
                .where("id", .equal, SQLBind(id)).where("kind", .equal, SQLBind(kind.rawValue)).first().map(Self.grant)
        }
    }

    public func get(lookup: String, kind: SignInGrantKind) async throws -> StoredSignInGrant? {
        try await self.database.read { db in
            try await db.select().columns(Self.columns).from("sign_in_grants")
                .where("lookup", .equal, SQLBind(lookup)).where("kind", .equal, SQLBind(kind.rawValue)).first().map(Self.grant)
        }
    }

    public func take(id: String, kind: SignInGrantKind) async throws -> StoredSignInGrant? {
        // One DELETE … RETURNING (SQLite and PostgreSQL): two concurrent takes cannot both get the row.
        try await self.database.write { db in
            try await db.delete(from: "sign_in_grants").where("id", .equal, SQLBind(id)).where("kind", .equal, SQLBind(kind.rawValue))
                .returning("id", "kind", "lookup", "expires_at", "document").first().map(Self.grant)
        }
    }

    public func update(_ grant: StoredSignInGrant) async throws -> Bool {
        try await self.database.write { db in
            let rows = try await db.update("sign_in_grants").set("document", to: SQLBind(grant.document))
                .set("expires_at", to: SQLBind(grant.expiresAt.timeIntervalSince1970))
                .where("id", .equal, SQLBind(grant.id)).where("kind", .equal, SQLBind(grant.kind.rawValue))
                .returning("id").all()
            return !rows.isEmpty
        }
    }

    public func delete(id: String, kind: SignInGrantKind) async throws {
        try await self.database.write { db in
            try await db.delete(from: "sign_in_grants").where("id", .equal, SQLBind(id)).where("kind", .equal, SQLBind(kind.rawValue)).run()
        }
    }

    public func delete(lookup: String, kind: SignInGrantKind) async throws {
        try await self.database.write { db in
            try await db.delete(from: "sign_in_grants").where("lookup", .equal, SQLBind(lookup)).where("kind", .equal, SQLBind(kind.rawValue)).run()
        }
    }

    public func deleteExpired(before date: Date) async throws {
        try await self.database.write { db in
            try await db.delete(from: "sign_in_grants").where("expires_at", .lessThan, SQLBind(date.timeIntervalSince1970)).run()
        }
    }

    static func grant(_ row: any SQLRow) throws -> StoredSignInGrant {
        StoredSignInGrant(
            id: try row.decode(column: "id", as: String.self),
            kind: SignInGrantKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .pendingSignIn,
            lookup: try row.decode(column: "lookup", as: String?.self),
            expiresAt: Date(timeIntervalSince1970: try row.decode(column: "expires_at", as: Double.self)),
            document: try row.decode(column: "document", as: String.self))
    }
}
