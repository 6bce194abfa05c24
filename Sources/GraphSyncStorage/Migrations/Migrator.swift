import Foundation
import Logging
public import SQLKit

/// Applies pending migrations, each in its own transaction, and records them in `schema_migrations`.
public struct Migrator: Sendable {
    public let database: any SQLDatabaseProvider
    public let migrations: [Migration]
    public let logger: Logger

    public init(database: any SQLDatabaseProvider, migrations: [Migration] = Migration.all, logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Brings the schema up to date; returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await self.database.write { db in
            try await db.create(table: "schema_migrations").ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .text, .notNull)
                .run()
        }
        let applied = try await self.database.read { db in
            Set(try await db.select().column("version").from("schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) })
        }
        var done: [Int] = []
        for migration in self.migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            // Nodes starting together race to migrate; the write lock serializes them, and each re-checks inside it.
            let appliedNow = try await self.database.write { db -> Bool in
                let done = try await db.select().column("version").from("schema_migrations").where("version", .equal, SQLBind(migration.version)).first()
                guard done == nil else { return false }
                try await migration.apply(db)
                try await db.insert(into: "schema_migrations").columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(ISO8601DateFormatter().string(from: Date())))
                    .run()
                return true
            }
            guard appliedNow else { continue }
            self.logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            done.append(migration.version)
        }
        return done
    }
}
