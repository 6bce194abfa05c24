import Foundation
import GraphSyncCore
import Logging
import ServiceLifecycle
import Synchronization

/// Runs due synchronization jobs in the background. Each job is leased in the database before it runs, so with a
/// shared database every job runs on exactly one node at a time; `start` and `restart` wake the scheduler at once.
///
/// The lease is short and renewed while the cycle runs, so a node that dies frees its jobs within one lease; a node
/// that cannot renew (its lease expired and another node took the job) abandons the cycle.
///
/// Up to `maximumConcurrentJobs` jobs run at once on a node, each under its own lease, so one slow or stuck app
/// cannot hold up the others; a finished job frees its slot and wakes the scheduler.
final class ProvisioningScheduler: Service, Sendable {
    let engine: ProvisioningEngine
    let tick: Duration
    let lease: TimeInterval
    let maximumConcurrentJobs: Int
    let node = UUID().uuidString.lowercased()
    let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let running = Mutex(0)
    private let ended: AsyncStream<Void>
    private let end: AsyncStream<Void>.Continuation

    init(engine: ProvisioningEngine, tick: Duration, lease: TimeInterval = 60, maximumConcurrentJobs: Int = 4, logger: Logger) {
        self.engine = engine
        self.tick = tick
        self.lease = lease
        self.maximumConcurrentJobs = max(1, maximumConcurrentJobs)
        self.logger = logger
        (self.wakeups, self.wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (self.ended, self.end) = AsyncStream.makeStream(of: Void.self)
    }

    /// Returns once `run` has returned: its cycles abandoned, their leases released, and this node gone from the cluster.
    func stopped() async {
        for await _ in self.ended {}
    }

    /// Asks the scheduler to look for due jobs now.
    func wake() { self.wakeup.yield() }

    func run() async throws {
        self.logger.info("provisioning scheduler started", metadata: ["node": "\(self.node)", "slots": "\(self.maximumConcurrentJobs)"])
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
                    await withDiscardingTaskGroup { jobs in
                        await self.claimDueJobs(in: &jobs)
                        for await _ in self.wakeups {
                            if Task.isCancelled { break }
                            await self.claimDueJobs(in: &jobs)
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        try? await self.engine.repositories.jobs.leave(node: self.node)
        self.end.finish()
    }

    /// Reports in to the cluster and claims this node's share of the due jobs (see `JobPlacement`), each run in
    /// its own task. Called on every tick and wake-up, also when every slot is busy, so the others see it alive.
    private func claimDueJobs(in jobs: inout DiscardingTaskGroup) async {
        guard !Task.isCancelled else { return }
        let freeSlots = self.maximumConcurrentJobs - self.running.withLock { $0 }
        let now = Date()
        let claimed: [SynchronizationJob]
        do {
            claimed = try await self.engine.repositories.jobs.claimDue(
                now: now, node: self.node, freeSlots: freeSlots, leaseUntil: now.addingTimeInterval(self.lease),
                liveWithin: max(self.lease, 3 * self.tick.inSeconds), overdueAfter: 2 * self.tick.inSeconds
            ) { JobPlacement.jobsToClaim($0, freeSlots: freeSlots) }
        } catch {
            self.logger.error("could not claim a synchronization job", metadata: ["error": "\(error)"])
            return
        }
        for job in claimed {
            self.running.withLock { $0 += 1 }
            jobs.addTask {
                await self.run(job)
                self.running.withLock { $0 -= 1 }
                self.wake()
            }
        }
    }

    /// One cycle of a claimed job, then the lease is released.
    private func run(_ job: SynchronizationJob) async {
        Telemetry.runningJobs(+1)
        defer { Telemetry.runningJobs(-1) }
        var begun = false
        do {
            // Counted before it runs, so cycles that keep dying with their node quarantine the job (see beginCycle).
            guard let job = try await self.engine.beginCycle(job, leaseOwner: self.node) else {
                self.logger.error("synchronization job not run: quarantined for cycles that ended unrecorded, or its lease moved", metadata: ["job": "\(job.id)"])
                try? await self.engine.repositories.jobs.release(id: job.id, owner: self.node)
                return
            }
            begun = true
            let finished = try await self.whileLeased(job) { try await self.engine.runCycle(job, leaseOwner: self.node) }
            let execution = finished.status.lastExecution
            self.logger.info(
                "provisioning cycle finished",
                metadata: [
                    "job": "\(job.id)", "node": "\(self.node)", "state": "\(execution?.state ?? "")",
                    "exported": "\(execution?.countExported ?? 0)",
                    "began": "\(String(format: "%.3f", execution?.timeBegan.timeIntervalSince1970 ?? 0))",
                    "ended": "\(String(format: "%.3f", execution?.timeEnded.timeIntervalSince1970 ?? 0))",
                ])
        } catch is CancellationError {
            self.logger.notice("provisioning cycle abandoned (shutting down, or the job's lease was lost)", metadata: ["job": "\(job.id)"])
            if begun { await self.engine.abandonCycle(job) }
        } catch {
            self.logger.error("provisioning cycle could not be recorded", metadata: ["job": "\(job.id)", "error": "\(error)"])
            if begun { await self.engine.abandonCycle(job) }
            // Do not spin on a job whose cycle cannot be recorded: try it again in a minute (if it is still active).
            _ = try? await self.engine.repositories.transaction { tx in
                guard var current = try await tx.jobs.get(id: job.id), current.schedule.state == "Active" else { return }
                current.nextRun = Date().addingTimeInterval(60)
                try await tx.jobs.update(current)
            }
        }
        try? await self.engine.repositories.jobs.release(id: job.id, owner: self.node)
    }

    /// Runs `body` while renewing the job's lease every third of its length; cancels `body` if the lease is lost.
    private func whileLeased<T: Sendable>(_ job: SynchronizationJob, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(Int64(self.lease * 1000 / 3)))
                    if Task.isCancelled { break }
                    let renewed = try? await self.engine.repositories.jobs.renew(id: job.id, owner: self.node, leaseUntil: Date().addingTimeInterval(self.lease))
                    if renewed == false {
                        self.logger.warning("lost the lease on a running job", metadata: ["job": "\(job.id)"])
                        throw CancellationError()
                    }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
