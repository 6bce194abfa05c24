import Foundation
import GraphSyncCore
import SQLKit

/// App role assignments in SQL.
public struct SQLAppRoleAssignmentRepository: AppRoleAssignmentRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ assignment: AppRoleAssignment) async throws {
        try await self.database.write { try await Tables.appRoleAssignments.insert(assignment, on: $0) }
    }

    public func get(id: String) async throws -> AppRoleAssignment? {
        try await self.database.read { try await Tables.appRoleAssignments.first(where: "id", equals: id, on: $0) }
    }

    public func list(resourceId: String) async throws -> [AppRoleAssignment] {
        try await self.database.read { try await Tables.appRoleAssignments.all(where: "resource_id", equals: resourceId.lowercased(), on: $0) }
    }

    public func list(principalId: String) async throws -> [AppRoleAssignment] {
        try await self.database.read { try await Tables.appRoleAssignments.all(where: "principal_id", equals: principalId.lowercased(), on: $0) }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard try await Tables.appRoleAssignments.exists(id: id, on: db) else { return false }
            try await Tables.appRoleAssignments.delete(where: "id", equals: id, on: db)
            return true
        }
    }
}

/// Delegated permission grants in SQL.
public struct SQLPermissionGrantRepository: PermissionGrantRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ grant: OAuth2PermissionGrant) async throws {
        try await self.database.write { try await Tables.permissionGrants.insert(grant, on: $0) }
    }

    public func get(id: String) async throws -> OAuth2PermissionGrant? {
        try await self.database.read { try await Tables.permissionGrants.first(where: "id", equals: id, on: $0) }
    }

    public func list(_ query: DirectoryQuery) async throws -> [OAuth2PermissionGrant] {
        try await self.database.read { try await Tables.permissionGrants.list(all: query, on: $0) }
    }

    public func update(_ grant: OAuth2PermissionGrant) async throws {
        try await self.database.write { try await Tables.permissionGrants.update(grant, on: $0) }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard try await Tables.permissionGrants.exists(id: id, on: db) else { return false }
            try await Tables.permissionGrants.delete(where: "id", equals: id, on: db)
            return true
        }
    }
}

/// Directory role assignments in SQL.
public struct SQLRoleAssignmentRepository: RoleAssignmentRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ assignment: RoleAssignment) async throws {
        try await self.database.write { try await Tables.roleAssignments.insert(assignment, on: $0) }
    }

    public func get(id: String) async throws -> RoleAssignment? {
        try await self.database.read { try await Tables.roleAssignments.first(where: "id", equals: id, on: $0) }
    }

    public func list(_ query: DirectoryQuery) async throws -> [RoleAssignment] {
        try await self.database.read { try await Tables.roleAssignments.list(all: query, on: $0) }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard try await Tables.roleAssignments.exists(id: id, on: db) else { return false }
            try await Tables.roleAssignments.delete(where: "id", equals: id, on: db)
            return true
        }
    }
}
