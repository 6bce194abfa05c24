import Foundation
import GraphSyncCore
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
public import SQLKit
import Synchronization

/// PostgreSQL through postgres-nio's `PostgresClient` (its connection pool) and sql-kit: the same repositories and SQL
/// as SQLite. Reads run concurrently on pooled connections; each write is one transaction that first takes a
/// transaction-scoped advisory lock, so writes are serialized across every node sharing the database, exactly as
/// SQLite's single writer serializes them on one machine: a read-modify-write in a transaction never loses a
/// concurrent one.
public final class PostgresDatabaseProvider: SQLDatabaseProvider {
    /// The advisory lock key every write transaction takes ("graphsyn" in ASCII).
    static let writeLock: Int64 = 0x6772_6170_6873_796E

    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    /// Set by `close`: a query asked of a client that no longer runs would wait for a connection forever.
    private let closed = Atomic(false)
    /// Connections leased right now; `close` lets them finish first.
    private let inUse = Atomic(0)

    /// The database was closed (the node is shutting down).
    public struct Closed: Error, CustomStringConvertible {
        public var description: String { "The database connection pool is closed (the server is shutting down)." }
    }

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    /// Connects to `url` (`postgres://user:password@host:port/database?sslmode=disable|prefer|require`), checking
    /// that the server answers.
    public static func open(url: String, maximumConnections: Int = 10, logger: Logger) async throws -> PostgresDatabaseProvider {
        var configuration = try PostgresURL.configuration(url)
        configuration.options.maximumConnections = max(2, maximumConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let provider = PostgresDatabaseProvider(client: client, runner: runner, logger: logger)
        do {
            try await TimeLimit.run(within: .seconds(15)) {
                try await provider.read { db in try await db.raw("SELECT 1").run() }
            }
        } catch {
            try? await provider.close()
            throw error
        }
        return provider
    }

    public func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await self.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// A pooled connection, or `Closed` at once once the pool is closed.
    private func withConnection<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        // Counted before the check, so `close` either waits for this work or this work sees the pool closed.
        self.inUse.add(1, ordering: .sequentiallyConsistent)
        defer { self.inUse.subtract(1, ordering: .sequentiallyConsistent) }
        guard !self.closed.load(ordering: .sequentiallyConsistent) else { throw Closed() }
        return try await self.client.withConnection(body)
    }

    public func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let logger = self.logger
        do {
            return try await self.withConnection { connection in
                try await Transaction.run(
                    on: connection.sql(queryLogLevel: nil), begin: ["BEGIN", "SELECT pg_advisory_xact_lock(\(Self.writeLock))"], logger: logger, body)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // A unique constraint caught what no check before it did: the caller's object already exists.
            throw StoreError.conflict("An object with the same unique value already exists.")
        }
    }

    public func snapshot<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let logger = self.logger
        return try await self.withConnection { connection in
            try await Transaction.run(
                on: connection.sql(queryLogLevel: nil), begin: ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], logger: logger, body)
        }
    }

    /// Refuses new work, lets work in progress finish (at most 5 s), then stops the pool.
    ///
    /// Stopping the pool closes the connections in use too, and postgres-nio never completes a statement written to a
    /// connection that closed under it: work still running at that point would wait forever.
    public func close() async throws {
        self.closed.store(true, ordering: .sequentiallyConsistent)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while self.inUse.load(ordering: .sequentiallyConsistent) > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if self.inUse.load(ordering: .sequentiallyConsistent) > 0 {
            self.logger.warning("closing the PostgreSQL pool with work still running on it after 5 s")
        }
        self.runner.cancel()
        // postgres-nio 1.33's client can miss its cancellation while a connection attempt is in flight, and then never
        // returns (seen under load, one run in several); its connections are closed by then, so do not wait forever.
        if await !TimeLimit.wait(for: self.runner, atMost: .seconds(5)) {
            self.logger.warning("the PostgreSQL client did not stop within 5 s of closing; leaving it behind")
        }
    }
}

/// `postgres://` URLs as PostgresClient configurations.
public enum PostgresURL {
    static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()),
            let host = url.host, !host.isEmpty
        else {
            throw DatabaseURLError("'\(Self.redacted(text))' is not a postgres://user:password@host:port/database URL.")
        }
        let database = url.path.split(separator: "/").first.map(String.init)
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value?.lowercased() ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw DatabaseURLError("sslmode '\(mode)' is not one of disable, prefer, require.")
        }
        return PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password, database: database, tls: tls)
    }

    /// The URL without its password, for messages.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text) else { return "(a database URL that does not parse)" }
        guard url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}

/// A `--database` URL that cannot be used, and why.
public struct DatabaseURLError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
