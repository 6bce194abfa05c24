import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import Logging
import SQLKit
import Testing

/// A database closed under a query that comes late (a node's last writes while it shuts down) fails at once instead
/// of waiting forever for a connection from a pool that no longer runs.
@Suite struct ClosedDatabaseTests {
    @Test(.enabled(if: TestPostgres.serverURL != nil, "needs GRAPHSYNC_TEST_POSTGRES_URL"))
    func queriesAfterCloseFailAtOnceOnPostgreSQL() async throws {
        let url = try #require(try await TestPostgres.freshDatabaseURL())
        let database = try await PostgresDatabaseProvider.open(url: url, logger: Logger(label: "closed-test"))
        try await database.close()
        for attempt in [{ try await database.read { try await $0.raw("SELECT 1").run() } },
                        { try await database.write { try await $0.raw("SELECT 1").run() } }] as [@Sendable () async throws -> Void] {
            let outcome = try await TimeLimit.run(within: .seconds(5)) { () -> String in
                do { try await attempt(); return "answered" } catch { return "\(type(of: error))" }
            }
            #expect(outcome == "Closed")
        }
    }
}
