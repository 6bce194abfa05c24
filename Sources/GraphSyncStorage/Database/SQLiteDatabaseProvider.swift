import Foundation
import GraphSyncCore
import Logging
import SQLiteKit
public import SQLKit
import Synchronization

/// SQLite in WAL mode: one writer connection used under a lock inside `BEGIN IMMEDIATE` transactions,
/// plus reader connections that see committed data concurrently.
public final class SQLiteDatabaseProvider: SQLDatabaseProvider {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let nextReader = Mutex(0)
    private let logger: Logger

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// Opens (creating if needed) the database file at `path`, or a private in-memory database when `path` is nil.
    public static func open(path: String?, readerCount: Int = 2, logger: Logger) async throws -> SQLiteDatabaseProvider {
        let storage: SQLiteConnection.Storage = path.map { .file(path: $0) } ?? .memory
        let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
        try await Self.configure(writer, journal: path != nil)
        var readers: [SQLiteConnection] = []
        if path != nil {
            for _ in 0..<max(readerCount, 1) {
                let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                try await Self.configure(reader, journal: false)
                readers.append(reader)
            }
        }
        return SQLiteDatabaseProvider(writer: writer, readers: readers, logger: logger)
    }

    private static func configure(_ connection: SQLiteConnection, journal: Bool) async throws {
        let db = connection.sql(queryLogLevel: nil)
        if journal { try await db.raw("PRAGMA journal_mode=WAL").run() }
        try await db.raw("PRAGMA synchronous=NORMAL").run()
        try await db.raw("PRAGMA foreign_keys=ON").run()
        try await db.raw("PRAGMA busy_timeout=5000").run()
    }

    public func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard !self.readers.isEmpty else {
            // In-memory: one connection, so reads queue behind writes to never see a transaction in progress.
            return try await self.writeLock.withLock { try await body(self.writer.sql(queryLogLevel: nil)) }
        }
        let index = self.nextReader.withLock { value in
            value = (value + 1) % self.readers.count
            return value
        }
        return try await body(self.readers[index].sql(queryLogLevel: nil))
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer connection (see `Transaction`).
    public func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        do {
            return try await self.writeLock.withLock {
                try await Transaction.run(on: self.writer.sql(queryLogLevel: nil), begin: ["BEGIN IMMEDIATE"], logger: self.logger, body)
            }
        } catch let error as SQLiteError where error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed {
            // A unique constraint caught what no check before it did: the caller's object already exists.
            throw StoreError.conflict("An object with the same unique value already exists.")
        }
    }

    /// A deferred transaction on a reader connection: in WAL mode it reads one snapshot while the writer goes on.
    public func snapshot<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard let reader = self.readers.first else { return try await self.write(body) }
        return try await Transaction.run(on: reader.sql(queryLogLevel: nil), begin: ["BEGIN"], logger: self.logger, body)
    }

    /// Closes every connection, even when the calling task is being cancelled (a failed start, shutdown).
    public func close() async throws {
        let readers = self.readers, writer = self.writer
        try await Transaction.uncancellable {
            for reader in readers { try await reader.close() }
            try await writer.close()
        }
    }
}
