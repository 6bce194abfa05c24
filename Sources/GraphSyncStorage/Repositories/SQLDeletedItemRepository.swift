import Foundation
import GraphSyncCore
import SQLKit

/// Soft-deleted directory objects in SQL: the `deleted_items` table holds each object's document, its Graph type and
/// when it was deleted.
public struct SQLDeletedItemRepository: DeletedItemRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    /// Keeps `item` among the deleted items (called by the repositories' deletes, inside their transaction).
    static func keep(_ item: DeletedItem, on db: any SQLDatabase) async throws {
        let document: String
        switch item.object {
        case .application(let application): document = try DocumentTable<Application>.encode(application)
        case .servicePrincipal(let sp): document = try DocumentTable<ServicePrincipal>.encode(sp)
        case .user(let user): document = try DocumentTable<User>.encode(user)
        case .group(let group): document = try DocumentTable<Group>.encode(group)
        }
        try await db.delete(from: "deleted_items").where("id", .equal, SQLBind(item.id)).run()
        try await db.insert(into: "deleted_items").columns("id", "object_type", "deleted_at", "document")
            .values(SQLBind(item.id), SQLBind(item.typeName), SQLBind(item.deletedDateTime.timeIntervalSince1970), SQLBind(document)).run()
    }

    public func list(typeName: String, top: Int) async throws -> [DeletedItem] {
        try await self.database.read { db in
            try await db.select().columns("object_type", "deleted_at", "document").from("deleted_items")
                .where("object_type", .equal, SQLBind(typeName)).orderBy("deleted_at", .descending).limit(max(1, min(top, 999))).all()
                .map(Self.item)
        }
    }

    public func get(id: String) async throws -> DeletedItem? {
        try await self.database.read { db in try await Self.get(id: id, on: db) }
    }

    public func restore(id: String) async throws -> DeletedItem? {
        try await self.database.write { db in
            guard let item = try await Self.get(id: id, on: db) else { return nil }
            switch item.object {
            case .application(let application): try await Tables.applications.insert(application, on: db)
            case .servicePrincipal(let sp):
                guard try await Tables.applications.first(where: "app_id", equals: sp.appId.lowercased(), on: db) != nil else {
                    throw StoreError.conflict("The service principal's application is deleted too: restore the application first.")
                }
                try await Tables.servicePrincipals.insert(sp, on: db)
            case .user(let user): try await Tables.users.insert(user, on: db)
            case .group(let group): try await Tables.groups.insert(group, on: db)
            }
            try await db.delete(from: "deleted_items").where("id", .equal, SQLBind(item.id)).run()
            return item
        }
    }

    public func purge(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard try await Self.get(id: id, on: db) != nil else { return false }
            try await db.delete(from: "deleted_items").where("id", .equal, SQLBind(id.lowercased())).run()
            return true
        }
    }

    public func purge(deletedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await self.database.write { db in
            let ids = try await db.select().column("id").from("deleted_items")
                .where("deleted_at", .lessThan, SQLBind(cutoff.timeIntervalSince1970)).orderBy("deleted_at").limit(max(1, limit)).all()
                .map { try $0.decode(column: "id", as: String.self) }
            guard !ids.isEmpty else { return 0 }
            // What this transaction removed (another node may have purged some of them first).
            return try await db.delete(from: "deleted_items").where("id", .in, SQLBind.group(ids)).returning("id").all().count
        }
    }

    static func get(id: String, on db: any SQLDatabase) async throws -> DeletedItem? {
        try await db.select().columns("object_type", "deleted_at", "document").from("deleted_items")
            .where("id", .equal, SQLBind(id.lowercased())).first().map(Self.item)
    }

    static func item(_ row: any SQLRow) throws -> DeletedItem {
        let deleted = Date(timeIntervalSince1970: try row.decode(column: "deleted_at", as: Double.self))
        switch try row.decode(column: "object_type", as: String.self) {
        case "application": return DeletedItem(.application(try DocumentTable<Application>.decode(row)), deletedDateTime: deleted)
        case "servicePrincipal": return DeletedItem(.servicePrincipal(try DocumentTable<ServicePrincipal>.decode(row)), deletedDateTime: deleted)
        case "user": return DeletedItem(.user(try DocumentTable<User>.decode(row)), deletedDateTime: deleted)
        default: return DeletedItem(.group(try DocumentTable<Group>.decode(row)), deletedDateTime: deleted)
        }
    }
}
