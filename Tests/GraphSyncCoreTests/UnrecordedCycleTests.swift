import Foundation
import GraphSyncCore
import Testing

/// A job whose cycles keep ending without being recorded (each node running it died mid-cycle) is quarantined, not
/// claimed and run again forever; a recorded cycle, a cycle abandoned on purpose, and a restart each clear the count.
@Suite struct UnrecordedCycleTests {
    typealias World = ProvisioningEngineTests.World

    /// Claims `job` for `node` with a lease that has long expired once the test's clock moves on (a dead node's).
    func claim(_ world: World, node: String, at now: Date) async throws -> SynchronizationJob? {
        try await world.repositories.jobs.claimDue(now: now, owner: node, leaseUntil: now.addingTimeInterval(1))
    }

    @Test func cyclesThatDieWithTheirNodeQuarantineTheJobWithABackoff() async throws {
        try await ProvisioningEngineTests.withWorld { world in
            let (_, created) = try await ProvisioningEngineTests.app(world, users: ["ada"])
            let jobs = JobService(repositories: world.repositories)
            _ = try await jobs.start(created)
            var now = Date().addingTimeInterval(10)
            // Two nodes in turn claim the job, begin its cycle and die before recording it.
            for node in ["node-a", "node-b"] {
                let claimed = try #require(try await self.claim(world, node: node, at: now))
                #expect(try await world.engine.beginCycle(claimed, leaseOwner: node, now: now) != nil)
                now = now.addingTimeInterval(10)
            }
            // The third claim does not run it: the job is quarantined, with the reason, for an hour.
            let third = try #require(try await self.claim(world, node: "node-c", at: now))
            #expect(try await world.engine.beginCycle(third, leaseOwner: "node-c", now: now) == nil)
            var job = try #require(try await world.repositories.jobs.get(id: created.id))
            #expect(job.status.code == "Quarantine")
            #expect(job.status.quarantine?.reason == "EncounteredQuarantineException")
            #expect(job.status.quarantine?.error?.code == "CycleNotRecorded")
            #expect(job.nextRun.map { abs($0.timeIntervalSince(now) - 3600) < 1 } == true)
            try await world.repositories.jobs.release(id: job.id, owner: "node-c")
            #expect(try await self.claim(world, node: "node-d", at: now.addingTimeInterval(1800)) == nil, "not due during the backoff")

            // After the backoff it gets one more try; dying again quarantines it for twice as long.
            now = now.addingTimeInterval(3601)
            let retried = try #require(try await self.claim(world, node: "node-d", at: now))
            #expect(try await world.engine.beginCycle(retried, leaseOwner: "node-d", now: now) != nil)
            now = now.addingTimeInterval(10)
            let after = try #require(try await self.claim(world, node: "node-e", at: now))
            #expect(try await world.engine.beginCycle(after, leaseOwner: "node-e", now: now) == nil)
            job = try #require(try await world.repositories.jobs.get(id: created.id))
            #expect(job.status.quarantine?.seriesCount == 2)
            #expect(job.nextRun.map { abs($0.timeIntervalSince(now) - 7200) < 1 } == true)
            try await world.repositories.jobs.release(id: job.id, owner: "node-e")

            // A restart lets it run at once, and a recorded cycle clears the count and the quarantine.
            _ = try await jobs.restart(job, resetScope: ["QuarantineState"], now: now)
            now = now.addingTimeInterval(10)
            let again = try #require(try await self.claim(world, node: "node-f", at: now))
            let begun = try #require(try await world.engine.beginCycle(again, leaseOwner: "node-f", now: now))
            let recorded = try await world.engine.runCycle(begun, leaseOwner: "node-f")
            #expect(recorded.status.code == "Active" && recorded.status.quarantine == nil)
            #expect(try await world.repositories.jobs.get(id: created.id)?.unrecordedCycles == nil)
        }
    }

    @Test func aCycleAbandonedOnPurposeDoesNotCount() async throws {
        try await ProvisioningEngineTests.withWorld { world in
            let (_, created) = try await ProvisioningEngineTests.app(world, users: ["ada"])
            _ = try await JobService(repositories: world.repositories).start(created)
            var now = Date().addingTimeInterval(10)
            for node in ["node-a", "node-b", "node-c"] {
                let claimed = try #require(try await self.claim(world, node: node, at: now))
                #expect(try await world.engine.beginCycle(claimed, leaseOwner: node, now: now) != nil, "\(node)")
                await world.engine.abandonCycle(claimed)
                try await world.repositories.jobs.release(id: claimed.id, owner: node)
                now = now.addingTimeInterval(10)
            }
            #expect(try await world.repositories.jobs.get(id: created.id)?.status.code != "Quarantine")
        }
    }
}

/// An expression that fails for one object escrows that object with the reason; the others are provisioned.
@Suite struct MappingFailureEscrowTests {
    @Test func anObjectWhoseMappingFailsIsEscrowedAlone() async throws {
        try await ProvisioningEngineTests.withWorld { world in
            let (_, job) = try await ProvisioningEngineTests.app(world, users: ["ada", "9000"])
            var schema = job.schema
            // Years added from the display name: "9000" leaves years 1–9999, "ada" is no number (no value).
            schema.synchronizationRules[0].objectMappings[0].attributeMappings.append(AttributeMapping(
                source: .function("DateAdd", [.constant("yyyy"), .attribute("displayName"), .constant("2020-01-01T00:00:00Z")]), target: "title"))
            try await JobService(repositories: world.repositories).replaceSchema(of: job, with: schema)
            let saved = try #require(try await world.repositories.jobs.get(id: job.id))
            let run = try await world.engine.runCycle(saved)
            #expect(run.status.lastExecution?.state == "EntryLevelErrors")
            #expect(run.status.lastExecution?.countEscrowed == 1)
            #expect(world.scim.userNames == ["ada@graphsync.test"])
            let log = try await world.repositories.provisioningLog.list(jobId: job.id, top: 10, within: .everything)
            let failure = try #require(log.first { $0.status == "failure" })
            #expect(failure.sourceDisplayName == "9000")
            #expect(failure.detail?.contains("AttributeMappingFailed") == true && failure.detail?.contains("'title'") == true, "\(failure.detail ?? "")")
        }
    }
}
