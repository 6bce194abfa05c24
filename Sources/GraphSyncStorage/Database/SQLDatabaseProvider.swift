import Foundation
public import SQLKit

/// Access to the SQL database behind every repository: reads may run concurrently; writes run one at a
/// time inside a transaction, so a failed write leaves nothing half-done.
///
/// SQLite implements it now; a PostgreSQL implementation slots in without touching the repositories.
public protocol SQLDatabaseProvider: Sendable {
    /// Runs `body` against a connection for reading.
    func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// Runs `body` inside one transaction: committed if it returns, rolled back if it throws.
    func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// Runs `body` in a read-only transaction that sees one consistent snapshot, without blocking writers.
    func snapshot<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// Closes every connection.
    func close() async throws
}
