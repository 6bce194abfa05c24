import Foundation
public import SQLKit

/// Copies everything GraphSync stores from one database to another (SQLite or PostgreSQL, either way): the backup
/// command and `migrate-data`. The source is read in one read-only snapshot (consistent, and GraphSync keeps writing
/// meanwhile), the target is written in one transaction (all or nothing) and must be empty; the row count of every
/// table is checked afterwards. Records of one-time upgrades (`schema_migrations` rows past the numbered migrations)
/// come along, so the copy does not run them again.
public enum DataCopier {
    /// Every table, parents before children. `schema_migrations` is the target's own (it is migrated first);
    /// `scheduler_nodes` describes the running nodes, not data, and is not copied.
    static let tables = [
        "tenant", "signing_keys", "applications", "service_principals", "service_principal_names", "users", "groups", "owners", "app_role_assignments",
        "permission_grants", "role_assignments", "group_members", "synchronization_secrets", "synchronization_jobs",
        "provisioned_objects", "provisioning_log", "deleted_items", "sign_in_grants",
    ]

    /// Columns that are not text: epoch seconds, and integer flags.
    static let secondsColumns: [String: Set<String>] = ["synchronization_jobs": ["next_run_at", "lease_until"], "provisioning_log": ["activity_time"], "deleted_items": ["deleted_at"], "sign_in_grants": ["expires_at"]]
    static let integerColumns: [String: Set<String>] = ["provisioned_objects": ["in_app"], "synchronization_secrets": ["position"]]

    public struct SourceEmpty: Error, CustomStringConvertible {
        public var description: String { "The source database holds no GraphSync tenant; check the source." }
    }

    public struct TargetNotEmpty: Error, CustomStringConvertible {
        public var description: String { "The target database already holds a GraphSync tenant; copy only into an empty database." }
    }

    public struct CountMismatch: Error, CustomStringConvertible {
        public let table: String
        public let source: Int
        public let target: Int
        public var description: String { "Table \(self.table) has \(self.source) rows in the source but \(self.target) in the target." }
    }

    /// Copies every row of `source` into `target` (both migrated); returns the rows copied per table.
    public static func copy(from source: any SQLDatabaseProvider, to target: any SQLDatabaseProvider) async throws -> [(table: String, rows: Int)] {
        guard try await self.count("tenant", in: source) > 0 else { throw SourceEmpty() }
        guard try await self.count("tenant", in: target) == 0 else { throw TargetNotEmpty() }
        let copied = try await source.snapshot { from in
            try await target.write { to in
                var counts: [(String, Int)] = []
                for table in self.tables {
                    let rows = try await from.select().column(SQLLiteral.all).from(table).all()
                    let seconds = self.secondsColumns[table] ?? [], integers = self.integerColumns[table] ?? []
                    for chunk in stride(from: 0, to: rows.count, by: 200) {
                        let slice = rows[chunk..<min(chunk + 200, rows.count)]
                        guard let columns = slice.first?.allColumns else { continue }
                        let insert = to.insert(into: table).columns(columns)
                        for row in slice {
                            insert.values(try columns.map { column -> any SQLExpression in
                                if try row.decodeNil(column: column) { return SQLLiteral.null }
                                if seconds.contains(column) { return SQLBind(try row.decode(column: column, as: Double.self)) }
                                if integers.contains(column) { return SQLBind(try row.decode(column: column, as: Int.self)) }
                                return SQLBind(try row.decode(column: column, as: String.self))
                            })
                        }
                        try await insert.run()
                    }
                    counts.append((table, rows.count))
                }
                for marker in try await from.select().columns("version", "name", "applied_at").from("schema_migrations")
                    .where("version", .greaterThanOrEqual, SQLBind(10_000)).all()
                {
                    try await to.insert(into: "schema_migrations").columns("version", "name", "applied_at").values(
                        SQLBind(try marker.decode(column: "version", as: Int.self)), SQLBind(try marker.decode(column: "name", as: String.self)),
                        SQLBind(try marker.decode(column: "applied_at", as: String.self))
                    ).run()
                }
                return counts
            }
        }
        for (table, rows) in copied {
            let found = try await self.count(table, in: target)
            guard found == rows else { throw CountMismatch(table: table, source: rows, target: found) }
        }
        return copied
    }

    static func count(_ table: String, in database: any SQLDatabaseProvider) async throws -> Int {
        try await database.read { db in
            try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
