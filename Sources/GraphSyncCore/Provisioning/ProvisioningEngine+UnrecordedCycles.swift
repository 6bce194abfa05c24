import Foundation
import Logging

/// Defence in depth against a job that takes its node down: every cycle is counted when it begins and the count is
/// cleared when the cycle is recorded, or taken back when it ends any other way the process survives (a shutdown, a
/// lost lease, a failed save). Cycles that keep ending without either died with their process. After
/// `unrecordedCycleLimit` of them in a row the job is quarantined with a backoff (an hour, doubling to a day) instead of
/// run again at once, so a cluster does not crash-loop as each node claims the job in turn; after each backoff it gets
/// one more try. A node can die for reasons of its own (an OOM kill, a deploy's SIGKILL) while a healthy job runs, so
/// the quarantine delays such a job rather than stopping it, and its first recorded cycle clears everything.
extension ProvisioningEngine {
    /// Cycles in a row that may end unrecorded; the next claim quarantines the job.
    public static let unrecordedCycleLimit = 2
    /// The first quarantine's backoff; it doubles per quarantine in a series, up to a day.
    public static let unrecordedCycleBackoff: TimeInterval = 3600

    /// Counts a cycle of `job` as begun, on the node holding its lease. Returns the job to run, or nil when it is not to
    /// run: quarantined now for its unrecorded cycles, or no longer leased by `leaseOwner`.
    public func beginCycle(_ job: SynchronizationJob, leaseOwner: String, now: Date = Date()) async throws -> SynchronizationJob? {
        try await self.repositories.transaction { tx in
            guard var current = try await tx.jobs.get(id: job.id) else { return nil }
            let unrecorded = current.unrecordedCycles ?? 0
            guard unrecorded < Self.unrecordedCycleLimit else {
                Self.quarantineForUnrecordedCycles(&current, count: unrecorded, now: now)
                _ = try await tx.jobs.update(current, leasedBy: leaseOwner)
                return nil
            }
            current.unrecordedCycles = unrecorded + 1
            guard try await tx.jobs.update(current, leasedBy: leaseOwner) else { return nil }
            // The claimed job with the count: what `runCycle` compares against is the job as claimed.
            var claimed = job
            claimed.unrecordedCycles = current.unrecordedCycles
            return claimed
        }
    }

    /// Takes back the count of a cycle that ended without a record while its process lived on (a shutdown, a lost
    /// lease, a failed save). Runs in a task of its own, so a cancelled caller still takes it back.
    public func abandonCycle(_ job: SynchronizationJob) async {
        let repositories = self.repositories
        let logger = self.logger
        await Task {
            do {
                try await repositories.transaction { tx in
                    guard var current = try await tx.jobs.get(id: job.id), let unrecorded = current.unrecordedCycles, unrecorded > 0 else { return }
                    current.unrecordedCycles = unrecorded > 1 ? unrecorded - 1 : nil
                    try await tx.jobs.update(current)
                }
            } catch {
                logger.warning("could not take back the count of an abandoned cycle", metadata: ["job": "\(job.id)", "error": "\(error)"])
            }
        }.value
    }

    static func quarantineForUnrecordedCycles(_ job: inout SynchronizationJob, count: Int, now: Date) {
        let previous = job.status.quarantine?.reason == Self.unrecordedReason ? job.status.quarantine : nil
        let series = (previous?.seriesCount ?? 0) + 1
        let backoff = min(Self.unrecordedCycleBackoff * pow(2, Double(series - 1)), 86_400)
        let error = SynchronizationJobError(
            code: "CycleNotRecorded",
            message: "The last \(count) provisioning cycles of this job ended without being recorded: the process running each stopped during the cycle (a crash, or it was killed). The job is quarantined until \(GraphDate.format(now.addingTimeInterval(backoff))), then tried once more, so that it cannot stop every node in turn. Check the nodes' logs; if the cause was not this job, restart it.",
            tenantActionable: true)
        var execution = SynchronizationJob.TaskExecution(activityIdentifier: UUID().uuidString.lowercased(), state: "Failed", timeBegan: now, timeEnded: now)
        execution.error = error
        job.status.lastExecution = execution
        job.status.code = "Quarantine"
        job.status.quarantine = SynchronizationJob.Quarantine(
            currentBegan: now, nextAttempt: now.addingTimeInterval(backoff), reason: Self.unrecordedReason,
            seriesBegan: previous?.seriesBegan ?? now, seriesCount: series, error: error)
        job.nextRun = job.schedule.state == "Active" ? now.addingTimeInterval(backoff) : nil
        // One more try after the backoff: a cycle that dies again quarantines the job again, for twice as long.
        job.unrecordedCycles = Self.unrecordedCycleLimit - 1
    }

    /// The quarantine reason Graph has for an engine-side failure.
    static let unrecordedReason = "EncounteredQuarantineException"
}
