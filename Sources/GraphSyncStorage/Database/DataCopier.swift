import Foundation
public import SQLKit

/// Copies everything GraphSync stores from one database to another (SQLite or PostgreSQL, either way): the backup
/// command and `migrate-data`. The source is read inside one write transaction (so no GraphSync write happens during
/// the copy and the copy is consistent), the target is written in one transaction (all or nothing) and must be empty;
/// the row count of every table is checked afterwards.
public enum DataCopier {
    /// Every table, parents before children. `schema_migrations` is the target's own (it is migrated first).
    static let tables = [
        "tenant", "signing_keys", "applications", "service_principals", "users", "groups", "owners", "app_role_assignments",
        "permission_grants", "role_assignments", "group_members", "synchronization_secrets", "synchronization_jobs",
        "provisioned_objects", "provisioning_log",
    ]

    /// Columns that are not text: epoch seconds, and integer flags.
    static let secondsColumns: [String: Set<String>] = ["synchronization_jobs": ["next_run_at", "lease_until"], "provisioning_log": ["activity_time"]]
    static let integerColumns: [String: Set<String>] = ["provisioned_objects": ["in_app"]]

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
        guard try await self.count("tenant", in: target) == 0 else { throw TargetNotEmpty() }
        let copied = try await source.write { from in
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
