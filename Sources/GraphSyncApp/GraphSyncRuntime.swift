import Foundation
import GraphSyncAuthority
import GraphSyncCore
import GraphSyncStorage
import Logging

/// The state GraphSync runs on, opened from a data directory: database (migrated), tenant, keys, CA.
/// `serve`, `init` and the admin commands all start here.
public struct GraphSyncRuntime: Sendable {
    public let configuration: AppConfiguration
    public let database: any SQLDatabaseProvider
    public let repositories: Repositories
    public let tenant: Tenant
    public let cipher: SecretCipher
    public let hasher: ClientSecretHasher
    public let passwordHasher: PasswordHasher
    /// Set on the first start of a data directory: the bootstrap facts, shown once.
    public let firstStartFacts: Bootstrapper.Facts?

    public var directory: DirectoryService {
        DirectoryService(repositories: self.repositories, hasher: self.hasher, passwordHasher: self.passwordHasher, tenant: self.tenant)
    }

    public var caDirectory: String { (self.configuration.dataDirectory as NSString).appendingPathComponent("ca") }

    /// Opens (creating on first use) the data directory and database, and initialises the tenant.
    public static func open(_ configuration: AppConfiguration, logger: Logger) async throws -> GraphSyncRuntime {
        do {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            // An existing data directory may have been made with looser permissions: it holds keys and secrets.
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: configuration.dataDirectory)
        } catch {
            throw ConfigurationError(
                "The data directory \(configuration.dataDirectory) cannot be created or used (\(Self.reason(error, path: configuration.dataDirectory))); choose another with --data-dir.")
        }
        let cipher = try SecretCipher.loadOrCreate(
            path: (configuration.dataDirectory as NSString).appendingPathComponent("secret.key"),
            environmentValue: configuration.secretKey ?? ProcessInfo.processInfo.environment["GRAPHSYNC_SECRET_KEY"])
        let database = try await Self.openDatabase(configuration, logger: logger)
        do {
            try await Migrator(database: database, logger: logger).migrate()
            let resealed = try await SQLSynchronizationSecretRepository.resealLegacyValues(database: database, sealer: cipher)
            if resealed > 0 { logger.notice("bound sealed secrets to their rows", metadata: ["values": "\(resealed)"]) }
            let repositories = Repositories.sql(database, sealer: cipher)
            let bootstrapper = Bootstrapper(repositories: repositories, hasher: ClientSecretHasher(), passwordHasher: PasswordHasher())
            let facts = try await bootstrapper.initializeIfNew()
            guard let tenant = try await repositories.tenants.tenant() else { throw ConfigurationError("The tenant could not be created.") }
            return GraphSyncRuntime(
                configuration: configuration, database: database, repositories: repositories, tenant: tenant, cipher: cipher,
                hasher: ClientSecretHasher(), passwordHasher: PasswordHasher(), firstStartFacts: facts)
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// Opens the SQLite file (private to its owner) or connects to PostgreSQL, as the configuration says.
    static func openDatabase(_ configuration: AppConfiguration, logger: Logger) async throws -> any SQLDatabaseProvider {
        switch try configuration.databaseLocation() {
        case .postgres(let url):
            do {
                return try await PostgresDatabaseProvider.open(url: url, maximumConnections: configuration.databasePoolSize, logger: logger)
            } catch let error as DatabaseURLError {
                throw ConfigurationError(error.description)
            } catch {
                throw ConfigurationError(
                    "The PostgreSQL database at \(PostgresURL.redacted(url)) cannot be reached (\(error)). Check --database, the server and its credentials.")
            }
        case .sqlite(let path):
            let database: SQLiteDatabaseProvider
            do {
                try Self.createPrivately(path)
                database = try await SQLiteDatabaseProvider.open(path: path, logger: logger)
            } catch {
                throw ConfigurationError("The database \(path) cannot be opened (\(Self.reason(error, path: path))). Check --database or --data-dir.")
            }
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
            return database
        }
    }

    /// Why `path` could not be created or opened, in words: a missing or unwritable parent folder, or the error.
    static func reason(_ error: any Error, path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) { return "the folder \(folder) does not exist" }
        if !isDirectory.boolValue { return "\(folder) is not a folder" }
        if access(folder, W_OK) != 0 { return "the folder \(folder) is not writable" }
        return (error as NSError).localizedDescription
    }

    /// Creates the database file readable by its owner only (SQLite creates its journal files with the same mode), or
    /// tightens an existing one.
    static func createPrivately(_ path: String) throws {
        guard path != ":memory:" else { return }
        if FileManager.default.fileExists(atPath: path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        } else if !FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// Issues a fresh admin client secret and admin password (the `init` command on an existing data directory).
    public func rotateBootstrapSecrets() async throws -> Bootstrapper.Facts {
        try await Bootstrapper(repositories: self.repositories, hasher: self.hasher, passwordHasher: self.passwordHasher).initialize()
    }

    /// The local CA and its server certificate for this configuration's host.
    public func certificateAuthority() throws -> LocalCertificateAuthority {
        let extra = ["127.0.0.1", "localhost", "::1", "0.0.0.0", "::"].contains(self.configuration.host) ? [] : [self.configuration.host]
        return try LocalCertificateAuthority.loadOrCreate(in: self.caDirectory, extraHosts: extra)
    }

    public func close() async throws { try await self.database.close() }
}
