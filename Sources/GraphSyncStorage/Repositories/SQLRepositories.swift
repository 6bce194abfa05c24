import Foundation
import GraphSyncCore

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
            provisioningScope: SQLProvisioningScopeRepository(database: database))
    }
}
