import Foundation
import GraphSyncCore
import SQLKit

extension Repositories {
    /// Every repository, backed by one SQL database; `sealer` protects synchronization secrets at rest.
    public static func sql(_ database: any SQLDatabaseProvider, sealer: any SecretSealer) -> Repositories {
        Repositories(
            tenants: SQLTenantRepository(database: database),
            applications: SQLApplicationRepository(database: database),
            servicePrincipals: SQLServicePrincipalRepository(database: database),
            users: SQLUserRepository(database: database),
            groups: SQLGroupRepository(database: database),
            owners: SQLOwnerRepository(database: database),
            appRoleAssignments: SQLAppRoleAssignmentRepository(database: database),
            permissionGrants: SQLPermissionGrantRepository(database: database),
            roleAssignments: SQLRoleAssignmentRepository(database: database),
            synchronizationSecrets: SQLSynchronizationSecretRepository(database: database, sealer: sealer),
            jobs: SQLSynchronizationJobRepository(database: database),
            provisionedObjects: SQLProvisionedObjectRepository(database: database),
            provisioningLog: SQLProvisioningLogRepository(database: database),
            provisioningScope: SQLProvisioningScopeRepository(database: database),
            deletedItems: SQLDeletedItemRepository(database: database),
            signInGrants: SQLSignInGrantRepository(database: database),
            rateLimits: SQLRateLimitRepository(database: database),
            unitOfWork: SQLUnitOfWork(database: database, sealer: sealer))
    }
}

/// One `write` transaction of the database, with every repository bound to it.
struct SQLUnitOfWork: UnitOfWork {
    let database: any SQLDatabaseProvider
    let sealer: any SecretSealer

    func run<R: Sendable>(_ body: @escaping @Sendable (Repositories) async throws -> R) async throws -> R {
        let sealer = self.sealer
        return try await self.database.write { db in
            try await body(Repositories.sql(OpenTransaction(db: db), sealer: sealer))
        }
    }
}

/// An open transaction seen as a database provider: reads and writes run on it directly (a nested "transaction" is
/// part of the outer one), so repositories need no transaction-aware twin.
struct OpenTransaction: SQLDatabaseProvider {
    let db: any SQLDatabase

    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R { try await body(self.db) }
    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R { try await body(self.db) }
    func snapshot<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R { try await body(self.db) }
    func close() async throws {}
}
