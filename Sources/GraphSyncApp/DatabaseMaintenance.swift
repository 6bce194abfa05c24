import Foundation
import GraphSyncStorage
import Logging

/// Copies a GraphSync database to another one: `graphsync backup` (to a new SQLite file, consistent while serving) and
/// `graphsync migrate-data` (for instance SQLite to PostgreSQL when one node is no longer enough).
public enum DatabaseMaintenance {
    /// Copies everything from `source`'s database to `target`'s (created and migrated if needed, and empty); returns the
    /// rows copied per table, each checked against the source.
    public static func copy(from source: AppConfiguration, to target: AppConfiguration, logger: Logger) async throws -> [(table: String, rows: Int)] {
        guard try source.databaseLocation() != target.databaseLocation() else {
            throw ConfigurationError("The source and the target are the same database.")
        }
        if case .sqlite(let path) = try source.databaseLocation(), !FileManager.default.fileExists(atPath: path) {
            throw ConfigurationError("There is no database at \(path).")
        }
        // The source is read as it is (a running older GraphSync keeps its schema); the target gets the current one.
        let from = try await GraphSyncRuntime.openDatabase(source, logger: logger)
        do {
            let to = try await GraphSyncRuntime.openDatabase(target, logger: logger)
            do {
                try await Migrator(database: to, logger: logger).migrate()
                let copied = try await DataCopier.copy(from: from, to: to)
                try await to.close()
                try await from.close()
                return copied
            } catch {
                try? await to.close()
                throw error
            }
        } catch {
            try? await from.close()
            throw error
        }
    }
}
