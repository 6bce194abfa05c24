import Foundation
import GraphSyncCore
import SQLKit

/// Ownership links in SQL. Owner summaries are resolved from the users and service principals tables.
public struct SQLOwnerRepository: OwnerRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    static func insert(owners: [String], of objectId: String, on db: any SQLDatabase) async throws {
        for owner in owners {
            let type: PrincipalType = try await Tables.users.exists(id: owner, on: db) ? .user : .servicePrincipal
            try await db.insert(into: "owners").columns("object_id", "owner_id", "owner_type")
                .values(SQLBind(objectId), SQLBind(owner), SQLBind(type.rawValue)).run()
        }
    }

    public func owners(of objectId: String) async throws -> [DirectoryObjectSummary] {
        try await self.database.read { db in
            let rows = try await db.select().columns("owner_id", "owner_type").from("owners")
                .where("object_id", .equal, SQLBind(objectId.lowercased())).orderBy("owner_id").all()
            var owners: [DirectoryObjectSummary] = []
            for row in rows {
                let id = try row.decode(column: "owner_id", as: String.self)
                if let user = try await Tables.users.first(where: "id", equals: id, on: db) {
                    owners.append(.init(id: id, type: .user, displayName: user.displayName, userPrincipalName: user.userPrincipalName))
                } else if let sp = try await Tables.servicePrincipals.first(where: "id", equals: id, on: db) {
                    owners.append(.init(id: id, type: .servicePrincipal, displayName: sp.displayName, appId: sp.appId))
                }
            }
            return owners
        }
    }

    public func ownerIds(of objectId: String) async throws -> Set<String> {
        try await self.database.read { db in
            Set(try await db.select().column("owner_id").from("owners").where("object_id", .equal, SQLBind(objectId.lowercased())).all()
                .map { try $0.decode(column: "owner_id", as: String.self) })
        }
    }

    public func add(owner: DirectoryObjectSummary, to objectId: String) async throws -> Bool {
        try await self.database.write { db in
            let existing = try await db.select().column("owner_id").from("owners").where("object_id", .equal, SQLBind(objectId.lowercased()))
                .where("owner_id", .equal, SQLBind(owner.id)).first()
            guard existing == nil else { return false }
            try await db.insert(into: "owners").columns("object_id", "owner_id", "owner_type")
                .values(SQLBind(objectId.lowercased()), SQLBind(owner.id), SQLBind(owner.type.rawValue)).run()
            return true
        }
    }

    public func remove(ownerId: String, from objectId: String) async throws -> Bool {
        try await self.database.write { db in
            let existing = try await db.select().column("owner_id").from("owners").where("object_id", .equal, SQLBind(objectId.lowercased()))
                .where("owner_id", .equal, SQLBind(ownerId.lowercased())).first()
            guard existing != nil else { return false }
            try await db.delete(from: "owners").where("object_id", .equal, SQLBind(objectId.lowercased()))
                .where("owner_id", .equal, SQLBind(ownerId.lowercased())).run()
            return true
        }
    }
}
