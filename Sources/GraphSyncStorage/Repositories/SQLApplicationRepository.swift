import Foundation
import GraphSyncCore
import SQLKit

/// Applications in SQL.
public struct SQLApplicationRepository: ApplicationRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ application: Application, owners: [String]) async throws {
        try await self.database.write { db in
            if try await Tables.applications.first(where: "app_id", equals: application.appId.lowercased(), on: db) != nil {
                throw StoreError.conflict("An application with appId '\(application.appId)' already exists.")
            }
            try await Tables.applications.insert(application, on: db)
            try await SQLOwnerRepository.insert(owners: owners, of: application.id, on: db)
        }
    }

    public func get(id: String) async throws -> Application? {
        try await self.database.read { try await Tables.applications.first(where: "id", equals: id.lowercased(), on: $0) }
    }

    public func get(appId: String) async throws -> Application? {
        try await self.database.read { try await Tables.applications.first(where: "app_id", equals: appId.lowercased(), on: $0) }
    }

    public func list(_ query: DirectoryQuery) async throws -> Page<Application> {
        try await self.database.read { try await Tables.applications.list(query, on: $0) }
    }

    public func update(_ application: Application) async throws {
        try await self.database.write { try await Tables.applications.update(application, on: $0) }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard let application = try await Tables.applications.first(where: "id", equals: id.lowercased(), on: db) else { return false }
            let now = Date()
            if let sp = try await Tables.servicePrincipals.first(where: "app_id", equals: application.appId.lowercased(), on: db) {
                try await Cascade.removePrincipal(sp.id, on: db)
                try await Tables.servicePrincipals.delete(where: "id", equals: sp.id, on: db)
                try await SQLDeletedItemRepository.keep(DeletedItem(.servicePrincipal(sp), deletedDateTime: now), on: db)
            }
            try await Cascade.removePrincipal(application.id, on: db)
            try await Tables.applications.delete(where: "id", equals: application.id, on: db)
            try await SQLDeletedItemRepository.keep(DeletedItem(.application(application), deletedDateTime: now), on: db)
            return true
        }
    }
}
