import Logging
public import SQLKit

/// The transaction both database providers run writes in: `begin` statements, `body`, then `COMMIT`, or `ROLLBACK` on
/// any failure. The transaction's own statements run shielded from task cancellation, so a cancelled caller (a cycle
/// stopped at its time limit, a lost lease, shutdown) still has its transaction committed or rolled back and the
/// connection is never left inside an open transaction.
enum Transaction {
    static func run<R: Sendable>(
        on db: any SQLDatabase, begin: [String], logger: Logger, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        try await self.uncancellable { try await db.raw(SQLQueryString(begin[0])).run() }
        let result: R
        do {
            // Statements after BEGIN (taking a lock) are inside the transaction: if one fails, it is rolled back.
            try await self.uncancellable {
                for statement in begin.dropFirst() { try await db.raw(SQLQueryString(statement)).run() }
            }
            result = try await body(db)
        } catch {
            await self.rollback(db, logger: logger)
            throw error
        }
        do {
            try await self.uncancellable { try await db.raw("COMMIT").run() }
        } catch {
            await self.rollback(db, logger: logger)
            throw error
        }
        return result
    }

    private static func rollback(_ db: any SQLDatabase, logger: Logger) async {
        do { try await self.uncancellable { try await db.raw("ROLLBACK").run() } } catch {
            logger.error("rollback failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `work` in a task of its own, which the caller's cancellation does not reach.
    static func uncancellable(_ work: @escaping @Sendable () async throws -> Void) async throws {
        try await Task { try await work() }.value
    }
}
