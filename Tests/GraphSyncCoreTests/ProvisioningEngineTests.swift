import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import Logging
import Testing

/// The engine and the synchronization service in Core, over an in-memory SQLite and fake outbound clients.
@Suite struct ProvisioningEngineTests {
    struct World {
        let database: SQLiteDatabaseProvider
        let repositories: Repositories
        let directory: DirectoryService
        let synchronization: SynchronizationService
        let engine: ProvisioningEngine
        let scim: FakeSCIMClient
        let tokens: FakeTokenEndpoint
    }

    static func withWorld(tokenLifetime: Int = 3600, _ body: (World) async throws -> Void) async throws {
        try await self.withWorld(tokenLifetime: tokenLifetime, assertions: nil, body)
    }

    static func withWorld(tokenLifetime: Int, assertions: (any ClientAssertionIssuer)?, _ body: (World) async throws -> Void) async throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let database = try await SQLiteDatabaseProvider.open(path: nil, logger: logger)
        do {
            try await Migrator(database: database, logger: logger).migrate()
            let repositories = Repositories.sql(database, sealer: TestSealer())
            let tenant = Tenant(id: Identifiers.objectId(), displayName: "t", defaultDomain: "graphsync.test")
            try await repositories.tenants.save(tenant)
            let directory = DirectoryService(repositories: repositories, hasher: PlainHasher(), passwordHasher: PlainHasher(), tenant: tenant)
            let tokens = FakeTokenEndpoint(lifetime: tokenLifetime)
            let synchronization = SynchronizationService(repositories: repositories, tokenEndpoint: tokens, assertions: assertions, logger: logger)
            let scim = FakeSCIMClient()
            let engine = ProvisioningEngine(repositories: repositories, synchronization: synchronization, scim: scim, logger: logger)
            try await body(World(
                database: database, repositories: repositories, directory: directory, synchronization: synchronization, engine: engine,
                scim: scim, tokens: tokens))
            try await database.close()
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// An enterprise app with `users` assigned, its SCIM address saved, and a job.
    static func app(
        _ world: World, users: [String], ids: [String]? = nil, tenantURL: String = "https://scim.example/v2"
    ) async throws -> (ServicePrincipal, SynchronizationJob) {
        let application = try await world.directory.createApplication(
            Application(id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: "SaaS", createdDateTime: Date()), owner: nil)
        let sp = try await world.directory.createServicePrincipal(appId: application.appId, owner: nil)
        for (index, name) in users.enumerated() {
            let user = try await world.directory.createUser(
                User(id: ids?[index] ?? Identifiers.objectId(), userPrincipalName: "\(name)@graphsync.test", displayName: name, mailNickname: name, createdDateTime: Date()),
                password: "Passw0rd!\(name)")
            _ = try await world.directory.assignAppRole(principalId: user.id, resourceId: sp.id, appRoleId: WellKnown.defaultAccessAppRoleId)
        }
        try await world.synchronization.replaceSecrets(with: [(.baseAddress, tenantURL), (.secretToken, "static-token")], servicePrincipalId: sp.id)
        let job = try await JobService(repositories: world.repositories).create(servicePrincipalId: sp.id, templateId: "scim")
        return (sp, job)
    }

    /// Ada provisioned, then unassigned, a cycle for each: the app, the job, the job after the second cycle, and ada.
    static func provisionedThenUnassigned(_ world: World) async throws -> (ServicePrincipal, SynchronizationJob, SynchronizationJob, User) {
        let (sp, job) = try await Self.app(world, users: ["ada"])
        let run = try await world.engine.runCycle(job)
        let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
        try await Self.unassignEveryone(world, from: sp)
        return (sp, job, try await world.engine.runCycle(run), ada)
    }

    /// Removes every assignment to the app (everyone leaves scope).
    static func unassignEveryone(_ world: World, from sp: ServicePrincipal) async throws {
        for assignment in try await world.repositories.appRoleAssignments.list(resourceId: sp.id) {
            _ = try await world.repositories.appRoleAssignments.delete(id: assignment.id)
        }
    }

    @Test func aCycleCreatesAssignedUsersOnceAndAQuietCycleSendsNothing() async throws {
        try await Self.withWorld { world in
            let (_, job) = try await Self.app(world, users: ["ada", "grace"])
            let first = try await world.engine.runCycle(job)
            #expect(first.status.lastExecution?.state == "Succeeded")
            #expect(world.scim.userNames == ["ada@graphsync.test", "grace@graphsync.test"])
            #expect(world.scim.calls.filter { $0.method == "POST" }.count == 2)
            #expect(world.scim.calls.allSatisfy { $0.token == "static-token" })

            let sent = world.scim.calls.count
            let second = try await world.engine.runCycle(first)
            #expect(second.status.lastExecution?.countExported == 0)
            #expect(world.scim.calls.count == sent, "an unchanged user gets no request")
        }
    }

    /// Restore: a user disabled for leaving scope and then assigned again is re-enabled in place, not created again.
    @Test func aUserBackInScopeIsReenabledNotCreatedAgain() async throws {
        try await Self.withWorld { world in
            let (sp, job, run, ada) = try await Self.provisionedThenUnassigned(world)
            #expect(world.scim.calls.filter { $0.method == "PATCH" }.count == 1, "disabled")
            _ = try await world.directory.assignAppRole(principalId: ada.id, resourceId: sp.id, appRoleId: WellKnown.defaultAccessAppRoleId)
            let before = world.scim.calls.count
            _ = try await world.engine.runCycle(run)
            let after = Array(world.scim.calls.dropFirst(before))
            #expect(after.map(\.method) == ["PATCH"], "re-enabled in place: \(after)")
            let entries = try await world.repositories.provisioningLog.list(jobId: job.id, top: 10, within: .everything)
            #expect(entries.first?.action == "Update" && entries.first?.modifiedProperties == ["active"], "only `active` changed")
        }
    }

    /// The manager reference: sent in its own PATCH as the manager's id in the app once the manager is there (in the
    /// same cycle's reference pass when the manager is created after the user), changed, and removed when cleared.
    @Test func theManagerIsExportedAsAReferenceOnceTheManagerExists() async throws {
        try await Self.withWorld { world in
            // Users go in id order: zed, ada's manager, comes after her, so she gets him in the cycle's last pass.
            let (_, job) = try await Self.app(world, users: ["ada", "zed", "lin"], ids: ["00000000-0000-4000-8000-000000000001",
                                                                                        "00000000-0000-4000-8000-000000000003",
                                                                                        "00000000-0000-4000-8000-000000000002"])
            let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
            let zed = try #require(try await world.repositories.users.get(userPrincipalName: "zed@graphsync.test"))
            let lin = try #require(try await world.repositories.users.get(userPrincipalName: "lin@graphsync.test"))
            try await world.directory.setManager(of: ada.id, to: zed.id)
            let managerPath = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
            func patches(after count: Int) -> [String] {
                world.scim.calls.dropFirst(count).filter { $0.method == "PATCH" }.flatMap(\.operations)
            }

            var run = try await world.engine.runCycle(job)
            #expect(patches(after: 0) == [#"{"op":"Add","path":"\#(managerPath)","value":"app-zed@graphsync.test"}"#],
                    "the manager follows in its own PATCH, as a bare string (Entra's default job)")
            #expect(world.scim.calls.filter { $0.method == "POST" }.count == 3)

            var before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == before, "a resolved manager is not sent again")

            try await world.directory.setManager(of: ada.id, to: lin.id)
            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(patches(after: before) == [#"{"op":"Add","path":"\#(managerPath)","value":"app-lin@graphsync.test"}"#])

            _ = try await world.directory.removeManager(of: ada.id)
            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(patches(after: before) == [#"{"op":"Remove","path":"\#(managerPath)"}"#])
            let entries = try await world.repositories.provisioningLog.list(jobId: job.id, top: 1, within: .everything)
            #expect(entries.first?.modifiedProperties == [managerPath])
        }
    }

    /// A manager change that waited (the new manager is not in the app) and is then cleared still removes the manager
    /// the app has; a manager deleted from the directory is removed too; and a 404 for the manager PATCH is the
    /// reference's failure, not a sign that the user is gone (nothing is created again).
    @Test func managersThatWaitLeaveOrAreUnknownToTheApp() async throws {
        try await Self.withWorld { world in
            let (_, job) = try await Self.app(world, users: ["ada", "zed", "lin"])
            let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
            let zed = try #require(try await world.repositories.users.get(userPrincipalName: "zed@graphsync.test"))
            let lin = try #require(try await world.repositories.users.get(userPrincipalName: "lin@graphsync.test"))
            let boss = try await world.directory.createUser(
                User(id: Identifiers.objectId(), userPrincipalName: "boss@graphsync.test", displayName: "boss", mailNickname: "boss", createdDateTime: Date()),
                password: "Passw0rd!boss")
            let managerPath = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
            func patches(after count: Int) -> [String] { world.scim.calls.dropFirst(count).filter { $0.method == "PATCH" }.flatMap(\.operations) }
            try await world.directory.setManager(of: ada.id, to: zed.id)
            var run = try await world.engine.runCycle(job)

            try await world.directory.setManager(of: ada.id, to: boss.id)  // not assigned: waits
            var before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == before, "nothing to send while the new manager is not in the app")
            _ = try await world.directory.removeManager(of: ada.id)
            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(patches(after: before) == [#"{"op":"Remove","path":"\#(managerPath)"}"#], "the old manager is removed")

            try await world.directory.setManager(of: ada.id, to: lin.id)
            run = try await world.engine.runCycle(run)
            _ = try await world.repositories.users.delete(id: lin.id)
            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(patches(after: before).contains(#"{"op":"Remove","path":"\#(managerPath)"}"#), "a deleted manager is cleared: \(patches(after: before))")

            world.scim.missingPaths.withLock { $0 = [managerPath] }
            try await world.directory.setManager(of: ada.id, to: zed.id)
            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(!world.scim.calls.dropFirst(before).contains { $0.method == "POST" }, "a 404 for the reference creates nothing")
            let state = try #require(try await world.repositories.provisionedObjects.objects(jobId: job.id, sourceIds: [ada.id]).first)
            #expect(state.errorCount == 1 && state.targetId == "app-ada@graphsync.test")
        }
    }

    /// A manager who is not assigned to the app is never in it: the reference waits and nothing else is held up.
    @Test func aManagerOutsideTheAppLeavesTheReferencePending() async throws {
        try await Self.withWorld { world in
            let (_, job) = try await Self.app(world, users: ["ada"])
            let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
            let boss = try await world.directory.createUser(
                User(id: Identifiers.objectId(), userPrincipalName: "boss@graphsync.test", displayName: "boss", mailNickname: "boss", createdDateTime: Date()),
                password: "Passw0rd!boss")
            try await world.directory.setManager(of: ada.id, to: boss.id)
            let run = try await world.engine.runCycle(job)
            #expect(run.status.lastExecution?.state == "Succeeded")
            #expect(world.scim.calls.map(\.method) == ["GET", "POST"], "created without a manager: \(world.scim.calls)")
            let before = world.scim.calls.count
            _ = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == before, "nothing to send while the manager is not in the app")
        }
    }

    /// IsSoftDeleted: a deleted user is disabled in the app while it can still be restored, and deleted there once it
    /// is purged.
    @Test func aSoftDeletedUserIsDisabledAndDeletedOncePurged() async throws {
        try await Self.withWorld { world in
            let (_, job) = try await Self.app(world, users: ["ada", "grace"])
            var run = try await world.engine.runCycle(job)
            let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
            _ = try await world.repositories.users.delete(id: ada.id)
            var before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.dropFirst(before).map(\.method) == ["PATCH"], "soft-deleted: disabled")
            #expect(world.scim.calls.last?.operations == [#"{"op":"Replace","path":"active","value":"False"}"#])

            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == before, "a disabled user that can still be restored is left alone")

            #expect(try await world.repositories.deletedItems.purge(id: ada.id))
            before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.dropFirst(before).map(\.method) == ["DELETE"], "purged: deleted in the app")
            #expect(try await world.repositories.provisionedObjects.objects(jobId: job.id, sourceIds: [ada.id]).isEmpty, "and no longer managed")
            let entries = try await world.repositories.provisioningLog.list(jobId: job.id, top: 1, within: .everything)
            #expect(entries.first?.action == "Delete" && entries.first?.status == "success")

            before = world.scim.calls.count
            _ = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == before, "nothing more")
        }
    }

    /// A user disabled for leaving scope is no longer managed (Entra): purging the directory user later deletes nothing
    /// in the app, and GraphSync forgets the user.
    @Test func anUnassignedUserPurgedLaterIsNotDeletedInTheApp() async throws {
        try await Self.withWorld { world in
            let (_, job, run, ada) = try await Self.provisionedThenUnassigned(world)
            #expect(world.scim.calls.last?.method == "PATCH", "disabled")
            _ = try await world.repositories.users.delete(id: ada.id)
            #expect(try await world.repositories.deletedItems.purge(id: ada.id))
            let before = world.scim.calls.count
            _ = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == before, "no DELETE: the user was no longer managed")
            #expect(try await world.repositories.provisionedObjects.objects(jobId: job.id, sourceIds: [ada.id]).isEmpty)
        }
    }

    /// Groups are matched by displayName, so two groups in scope with the same one cannot be told apart in the app:
    /// neither is matched or created (each logged as DuplicateSourceEntries) until one is renamed.
    @Test func groupsSharingADisplayNameAreHeldBackUntilRenamed() async throws {
        try await Self.withWorld { world in
            let (sp, job) = try await Self.app(world, users: [])
            var groups: [Group] = []
            for nickname in ["eng1", "eng2"] {
                let group = try await world.directory.createGroup(
                    Group(id: Identifiers.objectId(), displayName: nickname == "eng1" ? "Engineering" : "engineering", mailNickname: nickname,
                          createdDateTime: Date()), memberIds: [])
                _ = try await world.directory.assignAppRole(principalId: group.id, resourceId: sp.id, appRoleId: WellKnown.defaultAccessAppRoleId)
                groups.append(group)
            }
            var run = try await world.engine.runCycle(job)
            #expect(world.scim.calls.filter { $0.resourceType == "Groups" }.isEmpty, "nothing sent: \(world.scim.calls)")
            let entries = try await world.repositories.provisioningLog.list(jobId: job.id, top: 10, within: .everything)
            #expect(entries.count == 2 && entries.allSatisfy { $0.status == "failure" && $0.detail?.hasPrefix("DuplicateSourceEntries: 2 objects") == true })

            try await world.directory.changeGroup(groups[1].id) { $0.displayName = "Engineering Managers" }
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.filter { $0.method == "POST" && $0.resourceType == "Groups" }.count == 2, "both created once told apart")

            // A namesake the group scoping filter keeps out is never sent, so it does not hold the other back.
            var schema = run.schema
            let rule = try #require(schema.synchronizationRules.indices.first)
            let groupMapping = try #require(schema.synchronizationRules[rule].objectMappings.firstIndex { $0.sourceObjectName == "Group" })
            schema.synchronizationRules[rule].objectMappings[groupMapping].scope = ScopingFilter(
                groups: [.init(clauses: [.init("mailNickname", "NOT EQUALS", ["sales2"])])])
            try await JobService(repositories: world.repositories).replaceSchema(of: run, with: schema)
            for nickname in ["sales1", "sales2"] {
                let group = try await world.directory.createGroup(
                    Group(id: Identifiers.objectId(), displayName: "Sales", mailNickname: nickname, createdDateTime: Date()), memberIds: [])
                _ = try await world.directory.assignAppRole(principalId: group.id, resourceId: sp.id, appRoleId: WellKnown.defaultAccessAppRoleId)
            }
            run = try #require(try await world.repositories.jobs.get(id: run.id))
            run = try await world.engine.runCycle(run)
            #expect(world.scim.userNames.contains("Sales"), "the admitted Sales group was created")
            #expect(world.scim.calls.filter { $0.method == "POST" && $0.resourceType == "Groups" }.count == 3)
        }
    }

    /// An app that does not implement PATCH (405, 501). In the RFC 7644 dialect an update becomes a PUT of the app's own
    /// copy with the mapped values laid over it, since a PUT replaces everything: what GraphSync does not map is kept,
    /// the manager is set, and a group keeps the members the app added while losing the one removed in the directory.
    /// A 400 is about the request, so it never becomes a PUT; in Entra's dialects nothing does, as with Entra.
    @Test(arguments: [("https://scim.example/v2?graphsyncRfc7644", 501, true), ("https://scim.example/v2?graphsyncRfc7644", 405, true),
                      ("https://scim.example/v2?graphsyncRfc7644", 400, false), ("https://scim.example/v2", 501, false)])
    func anAppWithoutPatchIsSentWholeResourcesOnlyInTheRFCDialect(tenantURL: String, status: Int, fallsBack: Bool) async throws {
        try await Self.withWorld { world in
            let (sp, job) = try await Self.app(world, users: ["ada", "zed"], tenantURL: tenantURL)
            let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
            let zed = try #require(try await world.repositories.users.get(userPrincipalName: "zed@graphsync.test"))
            try await world.directory.setManager(of: ada.id, to: zed.id)
            let group = try await world.directory.createGroup(
                Group(id: Identifiers.objectId(), displayName: "Eng", mailNickname: "eng", createdDateTime: Date()), memberIds: [ada.id, zed.id])
            _ = try await world.directory.assignAppRole(principalId: group.id, resourceId: sp.id, appRoleId: WellKnown.defaultAccessAppRoleId)
            var run = try await world.engine.runCycle(job)
            #expect(run.status.lastExecution?.state == "Succeeded")

            // The app's own additions: a role on ada, a member of its own in the group.
            world.scim.resources.withLock { resources in
                if case .object(var members)? = resources["app-ada@graphsync.test"] {
                    members.append(("roles", .array([.object([("value", .string("admin"))])])))
                    resources["app-ada@graphsync.test"] = .object(members)
                }
                if case .object(var members)? = resources["app-Eng"], let index = members.firstIndex(where: { $0.0 == "members" }) {
                    members[index].1 = .array((members[index].1.arrayValue ?? []) + [.object([("value", .string("app-outsider"))])])
                    resources["app-Eng"] = .object(members)
                }
            }
            world.scim.refusesPatch.withLock { $0 = status }
            let caller = Caller(kind: .application, tenantId: "t", objectId: "o", clientAppId: "c")
            try await world.directory.updateUser(id: ada.id, by: caller, password: nil, forceChange: nil) { $0.displayName = "Ada Lovelace" }
            try await world.directory.changeGroup(group.id) { $0.displayName = "Engineering" }
            _ = try await world.repositories.groups.removeMember(zed.id, from: group.id)
            let before = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            let puts = world.scim.calls.dropFirst(before).filter { $0.method == "PUT" }
            guard fallsBack else {
                #expect(puts.isEmpty, "no PUT: Entra's dialects never fall back, and a 400 is the request's fault")
                let entries = try await world.repositories.provisioningLog.list(jobId: job.id, top: 1, within: .everything)
                #expect(entries.first?.action == "Update" && entries.first?.detail == "The SCIM app answered HTTP \(status): PATCH is refused")
                #expect(run.status.lastExecution?.state != "Succeeded", "the app took nothing: the cycle failed, as Entra's would")
                let patches = world.scim.calls.dropFirst(before).filter { $0.method == "PATCH" }
                #expect(patches.filter { $0.resourceType == "Users" }.count == 1, "not retried")
                return
            }
            let user = try #require(puts.first { $0.resourceType == "Users" }?.body)
            for part in [#""id":"app-ada@graphsync.test""#, #""userName":"ada@graphsync.test""#, #""displayName":"Ada Lovelace""#,
                         #""manager":{"value":"app-zed@graphsync.test"}"#, #""roles":[{"value":"admin"}]"#] {
                #expect(user.contains(part), "the PUT carries \(part): \(user)")
            }
            let groupBody = try #require(puts.first { $0.resourceType == "Groups" }?.body)
            #expect(groupBody.contains(#""displayName":"Engineering""#))
            #expect(groupBody.contains(#""members":[{"value":"app-ada@graphsync.test"},{"value":"app-outsider"}]"#), "\(groupBody)")
            #expect(puts.count == 2 && run.status.lastExecution?.state == "Succeeded")
            let after = world.scim.calls.count
            run = try await world.engine.runCycle(run)
            #expect(world.scim.calls.count == after, "what was replaced is not sent again")

            // Leaving scope disables through a PUT too, keeping the rest of the user.
            try await Self.unassignEveryone(world, from: sp)
            let beforeDisable = world.scim.calls.count
            _ = try await world.engine.runCycle(run)
            let disabled = world.scim.calls.dropFirst(beforeDisable).filter { $0.method == "PUT" && $0.resourceType == "Users" }.compactMap(\.body)
            #expect(disabled.count == 2 && disabled.allSatisfy { $0.contains(#""active":false"#) }, "\(disabled)")
            #expect(disabled.contains { $0.contains(#""roles":[{"value":"admin"}]"#) && $0.contains(#""displayName":"Ada Lovelace""#) })
        }
    }

    /// Accidental-deletion prevention: more users leaving scope than the threshold stops the cycle before any is
    /// disabled, until a restart with ForceDeletes lets one cycle go ahead.
    @Test func tooManyDeletesWaitForForceDeletes() async throws {
        try await Self.withWorld { world in
            let (sp, created) = try await Self.app(world, users: ["ada", "grace", "lin"])
            let jobs = JobService(repositories: world.repositories)
            var job = try await jobs.setDeletionThreshold(of: created, to: 2)
            job = try await jobs.start(job)
            job = try await world.engine.runCycle(job)
            try await Self.unassignEveryone(world, from: sp)
            let patches = world.scim.calls.filter { $0.method == "PATCH" }.count
            job = try await world.engine.runCycle(job)
            #expect(job.status.code == "Quarantine" && job.status.quarantine?.reason == "TooManyDeletes")
            #expect(job.status.lastExecution?.error?.code == "TooManyDeletes" && job.nextRun == nil)
            #expect(world.scim.calls.filter { $0.method == "PATCH" }.count == patches, "nobody was disabled")

            job = try await jobs.restart(job, resetScope: ["ForceDeletes"])
            #expect(job.forceDeletes == true && job.status.quarantine == nil)
            job = try await world.engine.runCycle(job)
            #expect(world.scim.calls.filter { $0.method == "PATCH" }.count == patches + 3, "the three were disabled")
            #expect(job.forceDeletes == nil, "once")
            #expect(job.status.lastExecution?.state == "Succeeded")
        }
    }

    /// Test Connection as Entra does it: a filter on a userName that cannot exist must answer nothing.
    @Test func testConnectionExplainsA404AndRefusesAnAppThatIgnoresFilters() async throws {
        try await Self.withWorld { world in
            let (sp, job) = try await Self.app(world, users: ["ada"])
            _ = try await world.engine.runCycle(job)
            try await world.engine.validateCredentials(servicePrincipalId: sp.id, credentials: [], useSaved: true)
            world.scim.searches.withLock { $0 = .notFound }
            await #expect { try await world.engine.validateCredentials(servicePrincipalId: sp.id, credentials: [], useSaved: true) } throws: { error in
                (error as? SCIMError)?.message.contains("must be the app's SCIM base address") == true
            }
            world.scim.searches.withLock { $0 = .ignoresFilter }
            await #expect { try await world.engine.validateCredentials(servicePrincipalId: sp.id, credentials: [], useSaved: true) } throws: { error in
                (error as? SCIMError)?.message.contains("userName eq") == true
            }
        }
    }

    @Test func anUpdatesLogEntryShowsWhatItReplaced() async throws {
        try await Self.withWorld { world in
            let (_, job) = try await Self.app(world, users: ["ada"])
            let first = try await world.engine.runCycle(job)
            let ada = try #require(try await world.repositories.users.get(userPrincipalName: "ada@graphsync.test"))
            let caller = Caller(kind: .application, tenantId: "t", objectId: "o", clientAppId: "c")
            try await world.directory.updateUser(id: ada.id, by: caller, password: nil, forceChange: nil) { $0.displayName = "Ada Lovelace" }
            _ = try await world.engine.runCycle(first)
            let entries = try await world.repositories.provisioningLog.list(jobId: job.id, top: 10, within: .everything)
            let create = try #require(entries.first { $0.action == "Create" })
            let update = try #require(entries.first { $0.action == "Update" })
            #expect(create.oldValues == nil, "a create replaced nothing")
            #expect(update.newValues?["displayName"] == "Ada Lovelace")
            #expect(update.oldValues?["displayName"] == "ada", "the value the first cycle exported")
            #expect(update.oldValues?["userName"] == "ada@graphsync.test")
        }
    }

    @Test func anOAuthTokenNearExpiryIsRefreshedAndTheRotatedTokensKept() async throws {
        try await Self.withWorld(tokenLifetime: 60) { world in
            let (sp, job) = try await Self.app(world, users: ["ada"])
            _ = try await world.synchronization.acquireAccessToken(
                [(.oauth2TokenExchangeUri, "https://login.example/token"), (.oauth2ClientId, "client"), (.oauth2ClientSecret, "secret"),
                 (.oauth2AuthorizationCode, "code"), (.oauth2RedirectUri, "https://app.example/cb")],
                servicePrincipalId: sp.id)
            // The token lives 60 s, inside the 5-minute margin: the cycle refreshes it first and sends the new one.
            _ = try await world.engine.runCycle(job)
            #expect(world.tokens.requests.map(\.grant.name) == ["authorization_code", "refresh_token"])
            #expect(world.scim.calls.allSatisfy { $0.token == "at-2" }, "the OAuth token wins over SecretToken")
            let secrets = try await world.repositories.synchronizationSecrets.secrets(of: sp.id)
            #expect(secrets[.oauth2RefreshToken] == "rt-2" && secrets[.oauth2AccessToken] == "at-2")
        }
    }

    /// Client credentials need no Authorize: the job gets its token itself, and a new one by the same grant when it
    /// nears expiry (there is no refresh token). With workload identity federation each request carries a fresh client
    /// assertion instead of a secret.
    @Test func clientCredentialsAndWorkloadIdentityFederationGetTheirOwnTokens() async throws {
        try await Self.withWorld(tokenLifetime: 60, assertions: FakeAssertionIssuer()) { world in
            let (sp, job) = try await Self.app(world, users: ["ada"])
            try await world.synchronization.replaceSecrets(with: [
                (.baseAddress, "https://scim.example/v2"), (.oauth2TokenExchangeUri, "https://login.example/token"), (.oauth2ClientId, "vendor-client"),
                (.authenticationType, SynchronizationService.workloadIdentityFederation),
            ], servicePrincipalId: sp.id, mayConfigureFederation: true)
            var run = try await world.engine.runCycle(job)
            #expect(run.status.lastExecution?.state == "Succeeded")
            run = try await world.engine.runCycle(run)
            let requests = world.tokens.requests
            #expect(requests.map(\.grant.name) == ["client_credentials", "client_credentials"], "a new token for each cycle: it lives 60 s")
            #expect(requests.allSatisfy { $0.authentication == .assertion && $0.clientSecret == nil && $0.clientId == "vendor-client" })
            #expect(requests.map(\.clientAssertion) == ["assertion-1-for-\(sp.id)", "assertion-2-for-\(sp.id)"])
            #expect(!world.scim.calls.isEmpty && world.scim.calls.allSatisfy { $0.token == "at-1" }, "the first cycle sent the token it got")
            let secrets = try await world.repositories.synchronizationSecrets.secrets(of: sp.id)
            #expect(secrets[.oauth2AccessToken] == "at-2" && secrets[.oauth2RefreshToken] == nil)
        }
    }

    /// Without the authority's keys (no assertion issuer), a federated job fails with a clear reason and sends nothing.
    @Test func workloadIdentityFederationWithoutTheAuthorityFailsClearly() async throws {
        try await Self.withWorld { world in
            let (sp, job) = try await Self.app(world, users: ["ada"])
            try await world.synchronization.replaceSecrets(with: [
                (.baseAddress, "https://scim.example/v2"), (.oauth2TokenExchangeUri, "https://login.example/token"), (.oauth2ClientId, "vendor-client"),
                (.authenticationType, SynchronizationService.workloadIdentityFederation),
            ], servicePrincipalId: sp.id, mayConfigureFederation: true)
            let run = try await world.engine.runCycle(job)
            #expect(run.status.lastExecution?.state == "Failed")
            #expect(run.status.lastExecution?.error?.message.contains("Workload identity federation") == true)
            #expect(world.tokens.requests.isEmpty && world.scim.calls.isEmpty)
        }
    }

    /// An authorization code app is renewed only with its refresh token: without one it must be authorized again, even
    /// with a client secret saved (GraphSync does not switch it to client credentials). And a federated Test Connection
    /// never sends its token to a Tenant URL that is not the saved one.
    @Test func tokensGoOnlyWhereTheirGrantAndAddressAllow() async throws {
        try await Self.withWorld(tokenLifetime: 60, assertions: FakeAssertionIssuer()) { world in
            let (sp, job) = try await Self.app(world, users: ["ada"])
            try await world.synchronization.replaceSecrets(with: [
                (.baseAddress, "https://scim.example/v2"), (.oauth2TokenExchangeUri, "https://login.example/token"), (.oauth2ClientId, "client"),
                (.oauth2ClientSecret, "secret"), (.oauth2RedirectUri, "https://app.example/cb"), (.oauth2AccessToken, "expiring"),
                (.tokenExpiration, "2020-01-01T00:00:00Z"),
            ], servicePrincipalId: sp.id)
            let run = try await world.engine.runCycle(job)
            #expect(run.status.lastExecution?.state == "Failed" && world.tokens.requests.isEmpty, "authorize again, no client credentials")

            try await world.synchronization.replaceSecrets(with: [
                (.baseAddress, "https://scim.example/v2"), (.oauth2TokenExchangeUri, "https://login.example/token"), (.oauth2ClientId, "vendor-client"),
                (.authenticationType, SynchronizationService.workloadIdentityFederation),
            ], servicePrincipalId: sp.id, mayConfigureFederation: true)
            await #expect(throws: SynchronizationError.self) {
                try await world.engine.validateCredentials(
                    servicePrincipalId: sp.id, credentials: [(.baseAddress, "https://elsewhere.example/scim")], useSaved: false)
            }
            #expect(world.tokens.requests.isEmpty && world.scim.calls.isEmpty, "no token was made for another address")
            try await world.engine.validateCredentials(servicePrincipalId: sp.id, credentials: [], useSaved: true)
            #expect(world.tokens.requests.count == 1 && world.scim.calls.count == 1)
        }
    }
}
