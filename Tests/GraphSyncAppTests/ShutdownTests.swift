import Foundation
import GraphSyncApp
import GraphSyncCore
import GraphSyncTestSupport
import Logging
import ServiceLifecycle
import Testing

/// Stopping: every service ends promptly however the server stops, and the database closes last.
@Suite struct ShutdownTests {
    /// A start on a port that is taken fails, and every service stops at once. The scheduler's first claim of due jobs
    /// is in flight at that moment (a transaction on PostgreSQL); closing the pool under it used to strand it forever,
    /// and the failed start with it (seen as a whole test run that never finished).
    @Test func aStartOnATakenPortStopsEveryServicePromptly() async throws {
        try await TestServer.run { server in
            let port = try #require(URL(string: server.baseURL)?.port)
            var logger = Logger(label: "graphsync-test")
            logger.logLevel = .critical
            for attempt in 1...5 {
                var configuration = AppConfiguration()
                configuration.dataDirectory = TestServer.temporaryDirectory()
                configuration.port = port
                configuration.databaseURL = try await TestPostgres.freshDatabaseURL()
                let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
                _ = try await runtime.rotateBootstrapSecrets()
                let app = try await buildApplication(runtime: runtime, logger: logger) { _ in }
                let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
                let run = Task<Bool, Never> {
                    do { try await group.run() } catch { return true }
                    return false
                }
                let ended = Task { _ = await run.value }
                let stopped = await TimeLimit.wait(for: ended, atMost: .seconds(30))
                try #require(stopped, "attempt \(attempt): the services were still running 30 s after the failed start")
                #expect(await run.value, "attempt \(attempt): the start on a taken port did not fail")
            }
        }
    }
}
