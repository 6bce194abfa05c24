import Foundation

/// Defence in depth against a job that takes its node down: every cycle is counted when it begins and cleared when it
/// is recorded, so cycles that keep ending without a record (the process died during them) are seen. After
/// `unrecordedCycleLimit` of them the job is quarantined instead of run again, so a cluster does not crash-loop as
/// each node claims the job in turn. A restart of the job lets it run again.
extension ProvisioningEngine {
    /// Cycles in a row that may end unrecorded; the next claim quarantines the job.
    public static let unrecordedCycleLimit = 2

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

    /// Takes back the count of a cycle abandoned on purpose (a shutdown, or a lost lease): it did not die.
    public func abandonCycle(_ job: SynchronizationJob) async throws {
        try await self.repositories.transaction { tx in
            guard var current = try await tx.jobs.get(id: job.id), let unrecorded = current.unrecordedCycles, unrecorded > 0 else { return }
            current.unrecordedCycles = unrecorded > 1 ? unrecorded - 1 : nil
            try await tx.jobs.update(current)
        }
    }

    static func quarantineForUnrecordedCycles(_ job: inout SynchronizationJob, count: Int, now: Date) {
        let error = SynchronizationJobError(
            code: "CycleNotRecorded",
            message: "The last \(count) provisioning cycles of this job ended without being recorded: the node running each stopped during the cycle (a crash, or the process was killed). The job is quarantined so that it cannot stop every node in turn. Check the nodes' logs and the job's mappings, then restart the job.",
            tenantActionable: true)
        let execution = SynchronizationJob.TaskExecution(activityIdentifier: UUID().uuidString.lowercased(), state: "Failed", timeBegan: now, timeEnded: now)
        job.status.lastExecution = execution
        job.status.lastExecution?.error = error
        job.status.code = "Quarantine"
        job.status.quarantine = SynchronizationJob.Quarantine(
            currentBegan: now, nextAttempt: .distantFuture, reason: "EncounteredQuarantineException", seriesBegan: now, seriesCount: 1, error: error)
        job.nextRun = nil
        job.unrecordedCycles = nil
    }
}
