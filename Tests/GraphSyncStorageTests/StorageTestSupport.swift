import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import Logging
import SQLKit

/// A migrated SQLite database file in a fresh temporary directory, with every repository on top of it.
struct StorageFixture {
    let directory: URL
    let path: String
    let provider: any SQLDatabaseProvider
    let repositories: Repositories

    static let logger = Logger(label: "graphsync.tests.storage") { _ in SwiftLogNoOpLogHandler() }

    /// A new, empty temporary directory (removed by ``withTemporaryDirectory(_:)``).
    static func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graphsync-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` with a fresh temporary directory and removes it afterwards, whatever happens.
    static func withTemporaryDirectory<R>(_ body: (URL) async throws -> R) async throws -> R {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    /// Opens (creating) the database file at `path` and migrates it; returns the provider and the versions applied now.
    static func openMigrated(path: String) async throws -> (SQLiteDatabaseProvider, [Int]) {
        let provider = try await SQLiteDatabaseProvider.open(path: path, logger: Self.logger)
        do {
            let applied = try await Migrator(database: provider, logger: Self.logger).migrate()
            return (provider, applied)
        } catch {
            try? await provider.close()
            throw error
        }
    }

    /// Runs `body` against a freshly migrated database in its own directory (SQLite, or a new PostgreSQL database when
    /// `GRAPHSYNC_TEST_POSTGRES_URL` is set); closes the provider and removes the directory afterwards, also when `body`
    /// throws.
    static func withDatabase<R>(_ body: (StorageFixture) async throws -> R) async throws -> R {
        try await Self.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("graphsync.sqlite").path
            let provider: any SQLDatabaseProvider
            if let url = try await TestPostgres.freshDatabaseURL() {
                provider = try await PostgresDatabaseProvider.open(url: url, logger: Self.logger)
                try await Migrator(database: provider, logger: Self.logger).migrate()
            } else {
                provider = try await Self.openMigrated(path: path).0
            }
            let fixture = StorageFixture(directory: directory, path: path, provider: provider, repositories: .sql(provider, sealer: TestSealer()))
            let result: R
            do {
                result = try await body(fixture)
            } catch {
                try? await provider.close()
                throw error
            }
            try await provider.close()
            return result
        }
    }

    /// Number of rows in `table` (optionally where `column` = `value`), read straight from SQL.
    func count(_ table: String, where column: String? = nil, equals value: String? = nil) async throws -> Int {
        try await self.provider.read { db in
            let select = db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            if let column, let value { select.where(SQLIdentifier(column), .equal, SQLBind(value)) }
            return try await select.first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}

/// Builders for directory objects with fixed, round-trippable dates.
enum Make {
    static let created = Date(timeIntervalSince1970: 1_700_000_000)

    static func application(
        _ displayName: String, id: String = Identifiers.objectId(), appId: String = Identifiers.objectId()
    ) -> Application {
        Application(
            id: id, appId: appId, displayName: displayName, description: "about \(displayName)", createdDateTime: Self.created,
            identifierUris: ["api://\(appId)"], tags: ["test"],
            appRoles: [AppRole(id: Identifiers.objectId(), allowedMemberTypes: ["Application"], displayName: "Read", value: "Things.Read")])
    }

    static func servicePrincipal(for application: Application, id: String = Identifiers.objectId()) -> ServicePrincipal {
        ServicePrincipal(
            id: id, appId: application.appId, displayName: application.displayName, appDisplayName: application.displayName,
            servicePrincipalNames: [application.appId], appRoles: application.appRoles, createdDateTime: Self.created)
    }

    static func servicePrincipal(_ displayName: String, id: String = Identifiers.objectId()) -> ServicePrincipal {
        ServicePrincipal(id: id, appId: Identifiers.objectId(), displayName: displayName, createdDateTime: Self.created)
    }

    static func user(_ userPrincipalName: String, displayName: String? = nil, id: String = Identifiers.objectId()) -> User {
        let nickname = String(userPrincipalName.split(separator: "@").first ?? "user")
        return User(
            id: id, userPrincipalName: userPrincipalName, displayName: displayName ?? nickname, mailNickname: nickname,
            mail: userPrincipalName, createdDateTime: Self.created, passwordHash: "pbkdf2-sha256$1$AAAA$AAAA")
    }

    static func appRoleAssignment(principal: String, type: PrincipalType = .servicePrincipal, resource: String) -> AppRoleAssignment {
        AppRoleAssignment(
            id: Identifiers.appRoleAssignmentId(), appRoleId: Identifiers.objectId(), principalId: principal, principalType: type,
            principalDisplayName: "principal", resourceId: resource, resourceDisplayName: "resource", createdDateTime: Self.created)
    }

    static func permissionGrant(
        client: String, resource: String, consentType: String = "AllPrincipals", principal: String? = nil, scope: String = "User.Read"
    ) -> OAuth2PermissionGrant {
        OAuth2PermissionGrant(
            id: Identifiers.permissionGrantId(), clientId: client, consentType: consentType, principalId: principal, resourceId: resource,
            scope: scope)
    }

    static func roleAssignment(principal: String, role: DirectoryRoleTemplate = .globalAdministrator) -> RoleAssignment {
        RoleAssignment(id: Identifiers.roleAssignmentId(), roleDefinitionId: role.id, principalId: principal, directoryScopeId: "/")
    }
}
