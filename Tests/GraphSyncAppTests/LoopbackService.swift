import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves a test's own HTTP peer (a token endpoint, an external issuer) on 127.0.0.1 at a port the kernel picks when it
/// binds. A port chosen beforehand could be picked by a parallel test too: one server would fail to bind, unseen, and
/// its test would talk to the other test's server until that one stopped (seen as "connection refused" mid-test).
enum LoopbackService {
    /// What the server task tells the test: the port once listening, or why it stopped.
    final class Started: Sendable {
        let port = Mutex<Int?>(nil)
        let failure = Mutex<String?>(nil)
    }

    struct DidNotStart: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `body` with the port once the server listens, and stops the server when `body` returns. A server that
    /// cannot start, or is not listening within 30 s, fails the call.
    static func serve<R: Sendable>(_ router: Router<BasicRequestContext>, label: String, _ body: (Int) async throws -> R) async throws -> R {
        let started = Started()
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in started.port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do { try await group.run() } catch {
                    started.failure.withLock { $0 = "\(error)" }
                    throw error
                }
            }
            do {
                let deadline = ContinuousClock.now + .seconds(30)
                var port = started.port.withLock { $0 }
                while port == nil {
                    if let failure = started.failure.withLock({ $0 }) { throw DidNotStart(description: "\(label) did not start: \(failure)") }
                    guard ContinuousClock.now < deadline else { throw DidNotStart(description: "\(label) was not listening within 30 s") }
                    try await Task.sleep(for: .milliseconds(5))
                    port = started.port.withLock { $0 }
                }
                let result = try await body(port!)
                // Cancelled as well as shut down: a request a test left hanging must not hold the test up.
                await group.triggerGracefulShutdown()
                tasks.cancelAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                tasks.cancelAll()
                throw error
            }
        }
    }
}
