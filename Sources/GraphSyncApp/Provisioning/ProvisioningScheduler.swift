import Foundation
import GraphSyncCore
import Logging
import ServiceLifecycle

/// Runs due synchronization jobs in the background. Each job is leased in the database before it runs, so with a
/// shared database every job runs on exactly one node at a time; `start` and `restart` wake the scheduler at once.
final class ProvisioningScheduler: Service, Sendable {
    let engine: ProvisioningEngine
    let tick: Duration
    let lease: TimeInterval
    let node = UUID().uuidString.lowercased()
    let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation

    init(engine: ProvisioningEngine, tick: Duration, lease: TimeInterval = 600, logger: Logger) {
        self.engine = engine
        self.tick = tick
        self.lease = lease
        self.logger = logger
        (self.wakeups, self.wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the scheduler to look for due jobs now.
    func wake() { self.wakeup.yield() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Ticks feed the same stream as explicit wake-ups.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.tick)
                        self.wakeup.yield()
                    }
                }
                group.addTask {
                    await self.runDueJobs()
                    for await _ in self.wakeups {
                        if Task.isCancelled { break }
                        await self.runDueJobs()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func runDueJobs() async {
        while !Task.isCancelled {
            let now = Date()
            let job: SynchronizationJob?
            do {
                job = try await self.engine.repositories.jobs.claimDue(now: now, owner: self.node, leaseUntil: now.addingTimeInterval(self.lease))
            } catch {
                self.logger.error("could not claim a synchronization job", metadata: ["error": "\(error)"])
                return
            }
            guard let job else { return }
            do {
                let finished = try await self.engine.runCycle(job)
                self.logger.info(
                    "provisioning cycle finished",
                    metadata: ["job": "\(job.id)", "state": "\(finished.status.lastExecution?.state ?? "")",
                               "exported": "\(finished.status.lastExecution?.countExported ?? 0)"])
            } catch {
                self.logger.error("provisioning cycle could not be recorded", metadata: ["job": "\(job.id)", "error": "\(error)"])
                // Do not spin on a job whose cycle cannot be recorded: try it again in a minute.
                var retry = job
                retry.nextRun = Date().addingTimeInterval(60)
                try? await self.engine.repositories.jobs.update(retry)
            }
            try? await self.engine.repositories.jobs.release(id: job.id, owner: self.node)
        }
    }
}
