import Foundation
import GraphSyncCore
import SQLKit

/// Users in SQL.
public struct SQLUserRepository: UserRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ user: User) async throws {
        try await self.database.write { db in
            if try await Tables.users.first(where: "user_principal_name", equals: user.userPrincipalName.lowercased(), on: db) != nil {
                throw StoreError.conflict("Another object with the same value for property userPrincipalName already exists.")
            }
            try await Tables.users.insert(user, on: db)
        }
    }

    public func get(id: String) async throws -> User? {
        try await self.database.read { try await Tables.users.first(where: "id", equals: id.lowercased(), on: $0) }
    }

    public func get(userPrincipalName: String) async throws -> User? {
        try await self.database.read {
            try await Tables.users.first(where: "user_principal_name", equals: userPrincipalName.lowercased(), on: $0)
        }
    }

    public func list(_ query: DirectoryQuery) async throws -> Page<User> {
        try await self.database.read { try await Tables.users.list(query, on: $0) }
    }

    public func get(ids: [String]) async throws -> [User] {
        guard !ids.isEmpty else { return [] }
        return try await self.database.read {
            try await Tables.users.list(all: DirectoryQuery(clauses: [.anyIn(field: "id", values: ids.map { $0.lowercased() })]), on: $0)
        }
    }

    public func directReports(of managerId: String, _ query: DirectoryQuery) async throws -> Page<User> {
        try await self.database.read { try await Tables.users.list(query, where: ("manager_id", managerId.lowercased()), on: $0) }
    }

    public func directReports(ofEach managerIds: [String], limit: Int) async throws -> [String: [User]] {
        guard !managerIds.isEmpty else { return [:] }
        let ids: [any Encodable & Sendable] = managerIds.map { $0.lowercased() }
        return try await self.database.read { db in
            // Numbered per manager (SQLite ≥ 3.25 and PostgreSQL alike), so one manager's many reports do not crowd out the others'.
            let rows = try await db.raw("""
                SELECT document FROM (SELECT document, ROW_NUMBER() OVER (PARTITION BY manager_id ORDER BY id) AS position
                FROM users WHERE manager_id IN (\(binds: ids))) ranked WHERE position <= \(literal: max(1, limit))
                """).all()
            var reports: [String: [User]] = [:]
            for row in rows {
                let user = try Tables.users.decode(row)
                if let manager = user.managerId?.lowercased() { reports[manager, default: []].append(user) }
            }
            return reports.mapValues { $0.sorted { $0.id < $1.id } }
        }
    }

    public func update(_ user: User) async throws {
        try await self.database.write { db in
            if let other = try await Tables.users.first(where: "user_principal_name", equals: user.userPrincipalName.lowercased(), on: db),
                other.id != user.id
            {
                throw StoreError.conflict("Another object with the same value for property userPrincipalName already exists.")
            }
            try await Tables.users.update(user, on: db)
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard let user = try await Tables.users.first(where: "id", equals: id.lowercased(), on: db) else { return false }
            try await Cascade.removePrincipal(user.id, on: db)
            try await Tables.users.delete(where: "id", equals: user.id, on: db)
            try await SQLDeletedItemRepository.keep(DeletedItem(.user(user), deletedDateTime: Date()), on: db)
            return true
        }
    }
}
