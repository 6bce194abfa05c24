import Foundation
import GraphSyncCore
import SQLKit

/// Service principals in SQL.
public struct SQLServicePrincipalRepository: ServicePrincipalRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ servicePrincipal: ServicePrincipal, owners: [String]) async throws {
        try await self.database.write { db in
            if try await Tables.servicePrincipals.first(where: "app_id", equals: servicePrincipal.appId.lowercased(), on: db) != nil {
                throw StoreError.conflict("A service principal with appId '\(servicePrincipal.appId)' already exists.")
            }
            try await Tables.servicePrincipals.insert(servicePrincipal, on: db)
            try await SQLOwnerRepository.insert(owners: owners, of: servicePrincipal.id, on: db)
        }
    }

    public func get(id: String) async throws -> ServicePrincipal? {
        try await self.database.read { try await Tables.servicePrincipals.first(where: "id", equals: id.lowercased(), on: $0) }
    }

    public func get(appId: String) async throws -> ServicePrincipal? {
        try await self.database.read { try await Tables.servicePrincipals.first(where: "app_id", equals: appId.lowercased(), on: $0) }
    }

    public func list(_ query: DirectoryQuery) async throws -> Page<ServicePrincipal> {
        try await self.database.read { try await Tables.servicePrincipals.list(query, on: $0) }
    }

    public func update(_ servicePrincipal: ServicePrincipal) async throws {
        try await self.database.write { try await Tables.servicePrincipals.update(servicePrincipal, on: $0) }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard let sp = try await Tables.servicePrincipals.first(where: "id", equals: id.lowercased(), on: db) else { return false }
            try await Cascade.removePrincipal(sp.id, on: db)
            try await Tables.servicePrincipals.delete(where: "id", equals: sp.id, on: db)
            try await SQLDeletedItemRepository.keep(DeletedItem(.servicePrincipal(sp), deletedDateTime: Date()), on: db)
            return true
        }
    }
}
