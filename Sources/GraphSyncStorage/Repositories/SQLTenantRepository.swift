import Foundation
import GraphSyncCore
import SQLKit

/// The tenant record and signing keys in SQL.
public struct SQLTenantRepository: TenantRepository {
    let database: any SQLDatabaseProvider
    private static let table = DocumentTable<Tenant>(name: "tenant", fields: [:], columnValues: { _ in [] }, id: \.id)

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func tenant() async throws -> Tenant? {
        try await self.database.read { db in
            try await db.select().column("document").from("tenant").orderBy("id").limit(1).first().map { try DocumentTable<Tenant>.decode($0) }
        }
    }

    public func save(_ tenant: Tenant) async throws {
        try await self.database.write { db in
            if try await Self.table.exists(id: tenant.id, on: db) {
                try await Self.table.update(tenant, on: db)
            } else {
                try await Self.table.insert(tenant, on: db)
            }
        }
    }

    public func signingKeys() async throws -> [StoredSigningKey] {
        try await self.database.read { db in
            try await db.select().columns("kid", "sealed_key", "created_at").from("signing_keys").orderBy("created_at", .descending).all()
                .map { row in
                    StoredSigningKey(
                        kid: try row.decode(column: "kid", as: String.self), sealedPrivateKey: try row.decode(column: "sealed_key", as: String.self),
                        createdDateTime: Date(timeIntervalSince1970: Double(try row.decode(column: "created_at", as: String.self)) ?? 0))
                }
        }
    }

    public func addSigningKey(_ key: StoredSigningKey) async throws {
        try await self.database.write { db in
            try await db.insert(into: "signing_keys").columns("kid", "sealed_key", "created_at")
                .values(SQLBind(key.kid), SQLBind(key.sealedPrivateKey), SQLBind(String(format: "%.3f", key.createdDateTime.timeIntervalSince1970)))
                .run()
        }
    }

    public func deleteSigningKey(kid: String) async throws {
        try await self.database.write { db in try await db.delete(from: "signing_keys").where("kid", .equal, SQLBind(kid)).run() }
    }
}
