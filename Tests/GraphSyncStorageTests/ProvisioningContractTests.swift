import Foundation
import GraphSyncCore
import GraphSyncStorage
import Testing

/// The repository contract: jobs and their leases, per-object provisioning state, and the provisioning log.
extension RepositoryContractTests {
    func dueJob(_ fx: StorageFixture, now: Date) async throws -> SynchronizationJob {
        let jobs = JobService(repositories: fx.repositories)
        return try await jobs.start(try await jobs.create(servicePrincipalId: Identifiers.objectId(), templateId: "scim"), now: now)
    }

    /// A rate limit counted in the database: every node (here, repositories racing on one database) admits at most the
    /// limit between them, and a key is free again once its oldest request leaves the window.
    @Test func aSharedRateLimitAdmitsTheLimitAcrossNodesAndThenWaits() async throws {
        try await StorageFixture.withDatabase { fx in
            let t0 = Date()
            let nodes = [SharedRateLimit(limit: 5, per: 10, store: fx.repositories.rateLimits),
                         SharedRateLimit(limit: 5, per: 10, store: SQLRateLimitRepository(database: fx.provider))]
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 { group.addTask { try await nodes[index % 2].admit("job-1", now: t0) == nil } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 5, "five between the two nodes")
            #expect(try await nodes[0].admit("job-2", now: t0) == nil, "another key has its own count")
            let wait = try #require(try await nodes[1].admit("job-1", now: t0.addingTimeInterval(4)))
            #expect(abs(wait - 6) < 0.01, "until the first request leaves the window: \(wait)")
            #expect(try await nodes[1].admit("job-1", now: t0.addingTimeInterval(10.5)) == nil)
        }
    }

    /// The console's app list reads every shown app's jobs in one query.
    @Test func jobsOfSeveralServicePrincipalsAreListedAtOnce() async throws {
        try await StorageFixture.withDatabase { fx in
            let jobs = JobService(repositories: fx.repositories)
            let first = try await jobs.create(servicePrincipalId: Identifiers.objectId(), templateId: "scim")
            let second = try await jobs.create(servicePrincipalId: Identifiers.objectId(), templateId: "scim")
            let listed = try await fx.repositories.jobs.list(servicePrincipalIds: [first.servicePrincipalId.uppercased(), second.servicePrincipalId, "none"])
            #expect(listed.mapValues { $0.map(\.id) } == [first.servicePrincipalId: [first.id], second.servicePrincipalId: [second.id]])
            #expect(try await fx.repositories.jobs.list(servicePrincipalIds: []).isEmpty)
        }
    }

    @Test func aLeaseHasOneOwnerUntilItExpiresThenAnotherNodeTakesOver() async throws {
        try await StorageFixture.withDatabase { fx in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let job = try await self.dueJob(fx, now: t0)
            let jobs = fx.repositories.jobs
            #expect(try await jobs.claimDue(now: t0, owner: "a", leaseUntil: t0 + 60)?.id == job.id)
            #expect(try await jobs.claimDue(now: t0 + 1, owner: "b", leaseUntil: t0 + 61) == nil, "leased")
            #expect(try await jobs.renew(id: job.id, owner: "b", leaseUntil: t0 + 90) == false)
            #expect(try await jobs.renew(id: job.id, owner: "a", leaseUntil: t0 + 90) == true)
            // Node a dies: its lease runs out and node b takes the job; a may no longer write it.
            #expect(try await jobs.claimDue(now: t0 + 91, owner: "b", leaseUntil: t0 + 151)?.id == job.id)
            #expect(try await jobs.update(job, leasedBy: "a") == false)
            #expect(try await jobs.update(job, leasedBy: "b") == true)
            try await jobs.release(id: job.id, owner: "b")
            #expect(try await jobs.claimDue(now: t0 + 92, owner: "c", leaseUntil: t0 + 152)?.id == job.id, "released")
        }
    }

    @Test func nodesTakeTheirFairShareAndConcurrentClaimsNeverShareAJob() async throws {
        try await StorageFixture.withDatabase { fx in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            var ids: Set<String> = []
            for _ in 0..<6 { ids.insert(try await self.dueJob(fx, now: t0).id) }
            let jobs = fx.repositories.jobs
            let claim = { @Sendable (node: String, at: Date) async throws -> [SynchronizationJob] in
                try await jobs.claimDue(now: at, node: node, freeSlots: 4, leaseUntil: at + 60, liveWithin: 30, overdueAfter: 10) {
                    JobPlacement.jobsToClaim($0, freeSlots: 4)
                }
            }
            // Three nodes report in with nothing due yet (a claim at t0 - 1), then all claim at once.
            for node in ["a", "b", "c"] { #expect(try await claim(node, t0 - 1).isEmpty) }
            let claimed = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
                for node in ["a", "b", "c"] { group.addTask { (node, try await claim(node, t0).map(\.id)) } }
                return try await group.reduce(into: [String: [String]]()) { $0[$1.0] = $1.1 }
            }
            let all = claimed.values.flatMap { $0 }
            #expect(all.count == 6 && Set(all) == ids, "every job claimed exactly once: \(claimed)")
            #expect(claimed.values.allSatisfy { $0.count == 2 }, "two jobs per node: \(claimed)")

            // Node c leaves; once a and b's leases are released the jobs are due again and split between two nodes.
            try await jobs.leave(node: "c")
            for (node, held) in claimed { for id in held { try await jobs.release(id: id, owner: node) } }
            let a = try await claim("a", t0 + 1), b = try await claim("b", t0 + 1)
            #expect(a.count == 3 && b.count == 3 && Set((a + b).map(\.id)) == ids)
            #expect(try await claim("c", t0 + 1).isEmpty, "nothing left")

            // Node a dies without leaving, its leases run out: b is over its share of the six jobs with a still counted
            // as alive, so it leaves them to a — until they are overdue, when b takes them anyway.
            for job in a { try await jobs.release(id: job.id, owner: "a") }
            #expect(try await claim("b", t0 + 2).isEmpty, "a still counts as alive and has room")
            #expect(Set(try await claim("b", t0 + 12).map(\.id)) == Set(a.map(\.id)), "overdue: taken by the node with room")
        }
    }

    @Test func provisionedObjectsPageInOrderCountAndReset() async throws {
        try await StorageFixture.withDatabase { fx in
            let jobId = "scim.\(UUID().uuidString)"
            var objects: [ProvisionedObject] = []
            for (index, id) in ["u3", "u1", "u2", "g1"].enumerated() {
                var object = ProvisionedObject(jobId: jobId, sourceId: id, objectType: id.hasPrefix("g") ? "Group" : "User")
                object.targetId = index == 2 ? nil : "app-\(id)"  // u2 was never created in the app
                object.exportedHash = "hash-\(id)"
                objects.append(object)
            }
            try await fx.repositories.provisionedObjects.save(objects)
            // Another job's objects never show up.
            try await fx.repositories.provisionedObjects.save([ProvisionedObject(jobId: jobId + "x", sourceId: "u9", objectType: "User")])

            let store = fx.repositories.provisionedObjects
            #expect(try await store.sourceIdsInApp(jobId: jobId, objectType: "User", after: nil, limit: 10) == ["u1", "u3"])
            #expect(try await store.sourceIdsInApp(jobId: jobId, objectType: "User", after: "u1", limit: 10) == ["u3"])
            #expect(try await store.countsInApp(jobId: jobId) == ["User": 2, "Group": 1])
            // Purged: not in the app (u2 was never created) and neither a user nor a deleted item of the directory.
            #expect(try await store.disabledPurgedUserIds(jobId: jobId, after: nil, limit: 10) == ["u2"])
            var disabled = try #require(try await store.objects(jobId: jobId, sourceIds: ["u3"]).first)
            disabled.active = false
            try await store.save([disabled])
            #expect(try await store.disabledPurgedUserIds(jobId: jobId, after: "u2", limit: 10) == ["u3"])
            #expect(try await store.sourceIdsInApp(jobId: jobId, objectType: "User", after: nil, limit: 10) == ["u1"])
            // A disabled user still in the directory, or deleted but restorable, is not purged.
            for id in ["u4", "u5"] {
                try await fx.repositories.users.create(
                    User(id: id, userPrincipalName: "\(id)\(UUID().uuidString.prefix(6))@contoso.test", displayName: id, mailNickname: id, createdDateTime: Date()))
                var object = ProvisionedObject(jobId: jobId, sourceId: id, objectType: "User")
                object.targetId = "app-\(id)"
                object.active = false
                try await store.save([object])
            }
            #expect(try await fx.repositories.users.delete(id: "u5"))
            #expect(try await store.disabledPurgedUserIds(jobId: jobId, after: "u3", limit: 10) == [])
            #expect(try await fx.repositories.deletedItems.purge(id: "u5"))
            #expect(try await store.disabledPurgedUserIds(jobId: jobId, after: "u3", limit: 10) == ["u5"])
            try await store.reset(jobId: jobId, watermarks: false, escrows: false, connectorData: true)
            try await store.save(objects)
            disabled.active = true
            try await store.save([disabled])
            #expect(Set(try await store.objects(jobId: jobId, sourceIds: ["u1", "u2", "nope"]).map(\.sourceId)) == ["u1", "u2"])

            try await store.reset(jobId: jobId, watermarks: true, escrows: false, connectorData: false)
            #expect(try await store.objects(jobId: jobId, sourceIds: ["u1"]).first?.exportedHash == nil)
            #expect(try await store.objects(jobId: jobId, sourceIds: ["u1"]).first?.targetId == "app-u1", "the app ids stay")
            try await store.reset(jobId: jobId, watermarks: false, escrows: false, connectorData: true)
            #expect(try await store.objects(jobId: jobId, sourceIds: ["u1", "u2", "u3", "g1"]).isEmpty)
            #expect(try await store.objects(jobId: jobId + "x", sourceIds: ["u9"]).count == 1)
        }
    }

    @Test func provisioningLogListsNewestFirstWithinTheCallersScope() async throws {
        try await StorageFixture.withDatabase { fx in
            let owner = Make.servicePrincipal("owner-bot")
            try await fx.repositories.servicePrincipals.create(owner, owners: [])
            let mine = Make.servicePrincipal("mine")
            try await fx.repositories.servicePrincipals.create(mine, owners: [owner.id])
            let theirs = Make.servicePrincipal("theirs")
            try await fx.repositories.servicePrincipals.create(theirs, owners: [])
            let jobs = JobService(repositories: fx.repositories)
            let myJob = try await jobs.create(servicePrincipalId: mine.id, templateId: "scim")
            let theirJob = try await jobs.create(servicePrincipalId: theirs.id, templateId: "scim")
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            var entries: [ProvisioningLogEntry] = []
            for (index, job) in [myJob, theirJob, myJob].enumerated() {
                entries.append(ProvisioningLogEntry(
                    jobId: job.id, servicePrincipalId: job.servicePrincipalId, sourceId: "u\(index)", sourceDisplayName: nil, objectType: "User",
                    action: "Create", status: "success", targetId: nil, modifiedProperties: [], detail: nil, at: t0 + Double(index)))
            }
            try await fx.repositories.provisioningLog.append(entries)
            let log = fx.repositories.provisioningLog
            #expect(try await log.list(jobId: nil, top: 10, within: .everything).map(\.sourceId) == ["u2", "u1", "u0"])
            #expect(try await log.list(jobId: nil, top: 10, within: .ownedBy(owner.id)).map(\.sourceId) == ["u2", "u0"])
            #expect(try await log.list(jobId: theirJob.id, top: 10, within: .ownedBy(owner.id)).isEmpty)
            #expect(try await log.list(jobId: myJob.id, top: 1, within: .everything).map(\.sourceId) == ["u2"])
        }
    }
}
