import Crypto
import Foundation
import GraphSyncAuthority
import GraphSyncClients
import GraphSyncCore
import GraphSyncStorage
import Logging

/// A whole GraphSync in memory for the engine-driven checks: an SQLite database that lives as long as the run, a
/// directory with test users and a group assigned to an enterprise app, and a `scim` job whose Tenant URL and token
/// are the app's, pushing through the real engine, SCIM client and dialect.
struct EngineWorld: Sendable {
    let database: SQLiteDatabaseProvider
    let repositories: Repositories
    let directory: DirectoryService
    let engine: ProvisioningEngine
    let servicePrincipalId: String
    let job: SynchronizationJob

    static func open(tenantURL: String, token: String, outbound: OutboundClient, timeout: Duration, logger: Logger) async throws -> EngineWorld {
        let database = try await SQLiteDatabaseProvider.open(path: nil, logger: logger)
        do {
            try await Migrator(database: database, logger: logger).migrate()
            let repositories = Repositories.sql(database, sealer: SecretCipher(key: SymmetricKey(size: .bits256)))
            let tenant = Tenant(id: Identifiers.objectId(), displayName: "validate-app", defaultDomain: "validation.graphsync.test")
            try await repositories.tenants.save(tenant)
            let directory = DirectoryService(repositories: repositories, hasher: ClientSecretHasher(), passwordHasher: PasswordHasher(), tenant: tenant)
            let synchronization = SynchronizationService(
                repositories: repositories, tokenEndpoint: HTTPTokenEndpointClient(outbound: outbound, logger: logger), logger: logger)
            var settings = ProvisioningEngine.Settings()
            settings.retries = 1
            let engine = ProvisioningEngine(
                repositories: repositories, synchronization: synchronization, scim: HTTPSCIMClient(outbound: outbound, timeout: timeout), settings: settings, logger: logger)
            let application = try await directory.createApplication(
                Application(id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: "validate-app", createdDateTime: Date()), owner: nil)
            let servicePrincipal = try await directory.createServicePrincipal(appId: application.appId, owner: nil)
            try await synchronization.replaceSecrets(with: [(.baseAddress, tenantURL), (.secretToken, token)], servicePrincipalId: servicePrincipal.id)
            let job = try await JobService(repositories: repositories).create(servicePrincipalId: servicePrincipal.id, templateId: "scim")
            return EngineWorld(database: database, repositories: repositories, directory: directory, engine: engine,
                               servicePrincipalId: servicePrincipal.id, job: job)
        } catch {
            try? await database.close()
            throw error
        }
    }

    func close() async { try? await self.database.close() }

    /// A directory user assigned to the app.
    func assignedUser(_ userPrincipalName: String, displayName: String) async throws -> User {
        let nickname = String(userPrincipalName.prefix { $0 != "@" })
        let user = try await self.directory.createUser(
            User(id: Identifiers.objectId(), userPrincipalName: userPrincipalName, displayName: displayName, mailNickname: nickname,
                 createdDateTime: Date()),
            password: "Validation-\(UUID().uuidString)")
        try await self.assign(user.id)
        return user
    }

    func assign(_ principalId: String) async throws {
        _ = try await self.directory.assignAppRole(principalId: principalId, resourceId: self.servicePrincipalId, appRoleId: WellKnown.defaultAccessAppRoleId)
    }

    func unassign(_ principalId: String) async throws {
        for assignment in try await self.repositories.appRoleAssignments.list(resourceId: self.servicePrincipalId) where assignment.principalId == principalId {
            _ = try await self.repositories.appRoleAssignments.delete(id: assignment.id)
        }
    }

    /// Reads, changes and saves a directory user.
    func changeUser(_ id: String, _ change: (inout User) -> Void) async throws {
        guard var user = try await self.repositories.users.get(id: id) else { return }
        change(&user)
        try await self.repositories.users.update(user)
    }

    /// provisionOnDemand for one object: its log entry.
    func provisionOnDemand(_ objectId: String, type: String = "User") async throws -> ProvisioningLogEntry? {
        try await self.engine.provisionOnDemand(self.job, objectId: objectId, objectType: type)
    }

    /// The object's id in the app, as the engine recorded it.
    func targetId(of sourceId: String) async throws -> String? {
        try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: [sourceId]).first?.targetId
    }
}
