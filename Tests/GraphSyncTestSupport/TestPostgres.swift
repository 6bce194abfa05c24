import Foundation
import GraphSyncStorage
import Logging
import SQLKit

/// PostgreSQL for the tests, when `GRAPHSYNC_TEST_POSTGRES_URL` names a server (scripts/test.sh starts a throwaway
/// one and runs the storage and HTTP suites a second time with it): each test gets a database of its own.
public enum TestPostgres {
    /// The server's URL, or nil when the tests run on SQLite only.
    public static var serverURL: String? {
        ProcessInfo.processInfo.environment["GRAPHSYNC_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new, empty database on the test server, as a URL; nil when there is no test server.
    public static func freshDatabaseURL() async throws -> String? {
        guard let server = self.serverURL, var url = URLComponents(string: server) else { return nil }
        let name = "graphsync_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try await PostgresDatabaseProvider.open(url: server, maximumConnections: 2, logger: Logger(label: "test-postgres"))
        do {
            try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        } catch {
            try? await admin.close()
            throw error
        }
        try await admin.close()
        url.path = "/" + name
        return url.string
    }
}
