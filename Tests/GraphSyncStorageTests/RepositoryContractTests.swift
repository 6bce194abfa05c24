import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import SQLKit
import Testing

/// The contract of the SQL repositories, exercised against a real SQLite file (one per test).
@Suite("SQL repository contract")
struct RepositoryContractTests {
    struct Boom: Error {}

    // MARK: - Migrations

    @Test func migrationsAreIdempotentAndRecorded() async throws {
        try await StorageFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("db.sqlite").path
            let (provider, first) = try await StorageFixture.openMigrated(path: path)
            do {
                #expect(first == Migration.all.map(\.version))
                let second = try await Migrator(database: provider, logger: StorageFixture.logger).migrate()
                #expect(second.isEmpty)
                let rows = try await provider.read { db in
                    try await db.select().columns("version", "name").from("schema_migrations").orderBy("version").all()
                        .map { (try $0.decode(column: "version", as: Int.self), try $0.decode(column: "name", as: String.self)) }
                }
                #expect(rows.map(\.0) == Migration.all.map(\.version))
                #expect(rows.map(\.1) == Migration.all.map(\.name))
                #expect(rows.first?.1 == "directory")
            } catch {
                try? await provider.close()
                throw error
            }
            try await provider.close()
        }
    }

    // MARK: - Applications

    @Test func applicationCreateAndGetByIdAndAppId() async throws {
        try await StorageFixture.withDatabase { fx in
            let app = Make.application("Contoso Portal")
            try await fx.repositories.applications.create(app, owners: [])
            #expect(try await fx.repositories.applications.get(id: app.id) == app)
            #expect(try await fx.repositories.applications.get(id: app.id.uppercased()) == app)
            #expect(try await fx.repositories.applications.get(appId: app.appId) == app)
            #expect(try await fx.repositories.applications.get(appId: app.appId.uppercased()) == app)
            #expect(try await fx.repositories.applications.get(id: Identifiers.objectId()) == nil)
            #expect(try await fx.repositories.applications.get(appId: Identifiers.objectId()) == nil)
        }
    }

    @Test func applicationDuplicateAppIdConflictsCaseInsensitively() async throws {
        try await StorageFixture.withDatabase { fx in
            let app = Make.application("First")
            try await fx.repositories.applications.create(app, owners: [])
            let duplicate = Make.application("Second", appId: app.appId.uppercased())
            await #expect {
                try await fx.repositories.applications.create(duplicate, owners: [])
            } throws: { error in
                guard case StoreError.conflict = error else { return false }
                return true
            }
            #expect(try await fx.repositories.applications.get(id: duplicate.id) == nil)
            #expect(try await fx.count("applications") == 1)
        }
    }

    @Test func applicationUpdateReplacesDocumentAndFilterColumns() async throws {
        try await StorageFixture.withDatabase { fx in
            var app = Make.application("Old Name")
            try await fx.repositories.applications.create(app, owners: [])
            app.displayName = "New Name"
            app.notes = "updated"
            app.tags = ["a", "b"]
            try await fx.repositories.applications.update(app)
            #expect(try await fx.repositories.applications.get(id: app.id) == app)
            let byNew = try await fx.repositories.applications.list(DirectoryQuery(clauses: [.equals(field: "displayName", value: "new name")]))
            #expect(byNew.items.map(\.id) == [app.id])
            let byOld = try await fx.repositories.applications.list(DirectoryQuery(clauses: [.equals(field: "displayName", value: "Old Name")]))
            #expect(byOld.items.isEmpty)
        }
    }

    @Test func applicationListFilters() async throws {
        try await StorageFixture.withDatabase { fx in
            let portal = Make.application("Contoso Portal")
            let api = Make.application("Contoso API")
            let other = Make.application("Fabrikam Sync")
            for app in [portal, api, other] { try await fx.repositories.applications.create(app, owners: []) }
            let apps = fx.repositories.applications

            // equals on displayName compares case-insensitively.
            let equals = try await apps.list(DirectoryQuery(clauses: [.equals(field: "displayName", value: "CONTOSO portal")]))
            #expect(equals.items.map(\.id) == [portal.id])
            #expect(equals.next == nil)
            // The field name itself is matched case-insensitively too.
            let equalsField = try await apps.list(DirectoryQuery(clauses: [.equals(field: "DisplayName", value: "fabrikam sync")]))
            #expect(equalsField.items.map(\.id) == [other.id])

            let starts = try await apps.list(DirectoryQuery(clauses: [.startsWith(field: "displayName", value: "contoso")]))
            #expect(Set(starts.items.map(\.id)) == [portal.id, api.id])
            #expect(starts.items.map(\.id) == [portal.id, api.id].sorted())
            let noStart = try await apps.list(DirectoryQuery(clauses: [.startsWith(field: "displayName", value: "portal")]))
            #expect(noStart.items.isEmpty)

            let anyIn = try await apps.list(
                DirectoryQuery(clauses: [.anyIn(field: "appId", values: [portal.appId.uppercased(), other.appId, Identifiers.objectId()])]))
            #expect(Set(anyIn.items.map(\.id)) == [portal.id, other.id])

            let byId = try await apps.list(DirectoryQuery(clauses: [.equals(field: "id", value: api.id.uppercased())]))
            #expect(byId.items.map(\.id) == [api.id])

            // Clauses are ANDed.
            let both = try await apps.list(
                DirectoryQuery(clauses: [.startsWith(field: "displayName", value: "Contoso"), .equals(field: "appId", value: api.appId)]))
            #expect(both.items.map(\.id) == [api.id])
        }
    }

    @Test func startsWithTreatsLikeWildcardsLiterally() async throws {
        try await StorageFixture.withDatabase { fx in
            let percent = Make.application("100% Sync")
            let plain = Make.application("100 Sync")
            let underscore = Make.application("a_b tool")
            let letter = Make.application("axb tool")
            for app in [percent, plain, underscore, letter] { try await fx.repositories.applications.create(app, owners: []) }
            let apps = fx.repositories.applications
            #expect(try await apps.list(DirectoryQuery(clauses: [.startsWith(field: "displayName", value: "100%")])).items.map(\.id) == [percent.id])
            #expect(try await apps.list(DirectoryQuery(clauses: [.startsWith(field: "displayName", value: "a_")])).items.map(\.id) == [underscore.id])
        }
    }

    @Test func unsupportedFilterFieldThrows() async throws {
        try await StorageFixture.withDatabase { fx in
            try await fx.repositories.applications.create(Make.application("Anything"), owners: [])
            await #expect(throws: StoreError.unsupportedFilter("notes")) {
                _ = try await fx.repositories.applications.list(DirectoryQuery(clauses: [.equals(field: "notes", value: "x")]))
            }
            await #expect(throws: StoreError.unsupportedFilter("signInAudience")) {
                _ = try await fx.repositories.applications.list(DirectoryQuery(clauses: [.startsWith(field: "signInAudience", value: "x")]))
            }
            await #expect(throws: StoreError.unsupportedFilter("tags")) {
                _ = try await fx.repositories.applications.list(DirectoryQuery(clauses: [.anyIn(field: "tags", values: ["x"])]))
            }
            await #expect(throws: StoreError.unsupportedFilter("scope")) {
                _ = try await fx.repositories.permissionGrants.list(DirectoryQuery(clauses: [.equals(field: "scope", value: "x")]))
            }
        }
    }

    @Test func pagingWalksEveryObjectOnceInIdOrder() async throws {
        try await StorageFixture.withDatabase { fx in
            var ids: [String] = []
            for index in 0..<7 {
                let app = Make.application("App \(index)")
                ids.append(app.id)
                try await fx.repositories.applications.create(app, owners: [])
            }
            var seen: [String] = []
            var pageSizes: [Int] = []
            var after: String?
            var pages = 0
            repeat {
                let page = try await fx.repositories.applications.list(DirectoryQuery(top: 3, after: after))
                seen += page.items.map(\.id)
                pageSizes.append(page.items.count)
                after = page.next
                pages += 1
            } while after != nil && pages < 10
            #expect(seen == ids.sorted())
            #expect(pageSizes == [3, 3, 1])

            // A page that ends exactly at the last object has no continuation.
            let exact = try await fx.repositories.applications.list(DirectoryQuery(top: 7))
            #expect(exact.items.count == 7)
            #expect(exact.next == nil)
            let short = try await fx.repositories.applications.list(DirectoryQuery(top: 6))
            #expect(short.next == ids.sorted()[5])
            // Paging composes with filters.
            let filtered = try await fx.repositories.applications.list(
                DirectoryQuery(clauses: [.startsWith(field: "displayName", value: "app")], top: 5, after: ids.sorted()[3]))
            #expect(filtered.items.map(\.id) == Array(ids.sorted()[4...]))
            #expect(filtered.next == nil)
        }
    }

    @Test func ownedByRestrictsListToOwnedObjects() async throws {
        try await StorageFixture.withDatabase { fx in
            let alice = Make.user("alice@contoso.test")
            let bob = Make.user("bob@contoso.test")
            try await fx.repositories.users.create(alice)
            try await fx.repositories.users.create(bob)
            let mine = Make.application("Mine")
            let shared = Make.application("Shared")
            let theirs = Make.application("Theirs")
            try await fx.repositories.applications.create(mine, owners: [alice.id])
            try await fx.repositories.applications.create(shared, owners: [alice.id, bob.id])
            try await fx.repositories.applications.create(theirs, owners: [bob.id])
            let owned = try await fx.repositories.applications.list(DirectoryQuery(ownedBy: alice.id))
            #expect(owned.items.map(\.id) == [mine.id, shared.id].sorted())
            let ownedFiltered = try await fx.repositories.applications.list(
                DirectoryQuery(clauses: [.equals(field: "displayName", value: "shared")], ownedBy: bob.id))
            #expect(ownedFiltered.items.map(\.id) == [shared.id])
            let nobody = try await fx.repositories.applications.list(DirectoryQuery(ownedBy: Identifiers.objectId()))
            #expect(nobody.items.isEmpty)
        }
    }

    @Test func failedCreateRollsBackTheWholeObject() async throws {
        try await StorageFixture.withDatabase { fx in
            let alice = Make.user("alice@contoso.test")
            try await fx.repositories.users.create(alice)
            let app = Make.application("Twice Owned")
            // The same owner twice violates the owners primary key after the application row was written.
            await #expect(throws: (any Error).self) {
                try await fx.repositories.applications.create(app, owners: [alice.id, alice.id])
            }
            #expect(try await fx.repositories.applications.get(id: app.id) == nil)
            #expect(try await fx.count("owners") == 0)
            // The writer is usable again afterwards.
            try await fx.repositories.applications.create(app, owners: [alice.id])
            #expect(try await fx.repositories.owners.ownerIds(of: app.id) == [alice.id])
        }
    }

    // MARK: - Service principals

    @Test func servicePrincipalCreateGetAndDuplicateAppId() async throws {
        try await StorageFixture.withDatabase { fx in
            let app = Make.application("Resource")
            let sp = Make.servicePrincipal(for: app)
            try await fx.repositories.servicePrincipals.create(sp, owners: [])
            #expect(try await fx.repositories.servicePrincipals.get(id: sp.id.uppercased()) == sp)
            #expect(try await fx.repositories.servicePrincipals.get(appId: app.appId.uppercased()) == sp)
            await #expect {
                try await fx.repositories.servicePrincipals.create(Make.servicePrincipal(for: app), owners: [])
            } throws: { error in
                guard case StoreError.conflict = error else { return false }
                return true
            }
            #expect(try await fx.count("service_principals") == 1)
        }
    }

    // MARK: - Owners

    @Test func ownersAddRemoveAndResolveSummaries() async throws {
        try await StorageFixture.withDatabase { fx in
            let alice = Make.user("alice@contoso.test", displayName: "Alice")
            try await fx.repositories.users.create(alice)
            let robot = Make.servicePrincipal("Robot")
            try await fx.repositories.servicePrincipals.create(robot, owners: [])
            let app = Make.application("Owned")
            try await fx.repositories.applications.create(app, owners: [alice.id])
            let owners = fx.repositories.owners

            let userSummary = DirectoryObjectSummary(id: alice.id, type: .user, displayName: alice.displayName, userPrincipalName: alice.userPrincipalName)
            let spSummary = DirectoryObjectSummary(id: robot.id, type: .servicePrincipal, displayName: robot.displayName, appId: robot.appId)

            #expect(try await owners.owners(of: app.id) == [userSummary])
            // Adding an owner already present reports false and changes nothing.
            #expect(try await owners.add(owner: userSummary, to: app.id) == false)
            #expect(try await owners.add(owner: spSummary, to: app.id) == true)
            #expect(try await owners.add(owner: spSummary, to: app.id) == false)
            #expect(try await owners.ownerIds(of: app.id) == [alice.id, robot.id])
            #expect(try await owners.ownerIds(of: app.id.uppercased()) == [alice.id, robot.id])

            // owners(of:) tells users from service principals and fills each one's summary; ordered by id.
            let resolved = try await owners.owners(of: app.id)
            #expect(resolved == [userSummary, spSummary].sorted { $0.id < $1.id })
            let resolvedUser = try #require(resolved.first { $0.id == alice.id })
            #expect(resolvedUser.type == .user)
            #expect(resolvedUser.userPrincipalName == "alice@contoso.test")
            #expect(resolvedUser.appId == nil)
            let resolvedSP = try #require(resolved.first { $0.id == robot.id })
            #expect(resolvedSP.type == .servicePrincipal)
            #expect(resolvedSP.appId == robot.appId)
            #expect(resolvedSP.userPrincipalName == nil)

            #expect(try await owners.remove(ownerId: alice.id, from: app.id) == true)
            #expect(try await owners.remove(ownerId: alice.id, from: app.id) == false)
            #expect(try await owners.remove(ownerId: Identifiers.objectId(), from: app.id) == false)
            #expect(try await owners.ownerIds(of: app.id) == [robot.id])
            #expect(try await owners.owners(of: Identifiers.objectId()).isEmpty)
        }
    }

    @Test func ownersGivenAtCreationAreTypedByLookup() async throws {
        try await StorageFixture.withDatabase { fx in
            let alice = Make.user("alice@contoso.test")
            try await fx.repositories.users.create(alice)
            let robot = Make.servicePrincipal("Robot")
            try await fx.repositories.servicePrincipals.create(robot, owners: [])
            let app = Make.application("Two Owners")
            try await fx.repositories.applications.create(app, owners: [alice.id, robot.id])
            let types = try await fx.provider.read { db in
                try await db.select().columns("owner_id", "owner_type").from("owners").all()
                    .reduce(into: [String: String]()) { $0[try $1.decode(column: "owner_id", as: String.self)] = try $1.decode(column: "owner_type", as: String.self) }
            }
            #expect(types == [alice.id: "User", robot.id: "ServicePrincipal"])
            let sp = Make.servicePrincipal(for: app)
            try await fx.repositories.servicePrincipals.create(sp, owners: [alice.id])
            #expect(try await fx.repositories.owners.owners(of: sp.id).map(\.type) == [.user])
        }
    }

    // MARK: - Cascades

    @Test func deletingApplicationCascadesToItsServicePrincipalAndGrants() async throws {
        try await StorageFixture.withDatabase { fx in
            let r = fx.repositories
            let alice = Make.user("alice@contoso.test")
            try await r.users.create(alice)
            let resourceApp = Make.application("Resource")
            let resource = Make.servicePrincipal(for: resourceApp)
            try await r.applications.create(resourceApp, owners: [])
            try await r.servicePrincipals.create(resource, owners: [])

            let app = Make.application("Doomed")
            let sp = Make.servicePrincipal(for: app)
            try await r.applications.create(app, owners: [alice.id])
            try await r.servicePrincipals.create(sp, owners: [alice.id])
            // The doomed SP also owns the resource.
            #expect(try await r.owners.add(owner: .init(id: sp.id, type: .servicePrincipal, displayName: sp.displayName), to: resource.id))

            // Grants involving the doomed SP as principal, resource or client.
            let spHoldsRole = Make.appRoleAssignment(principal: sp.id, resource: resource.id)
            let userHoldsSPRole = Make.appRoleAssignment(principal: alice.id, type: .user, resource: sp.id)
            let spAsClient = Make.permissionGrant(client: sp.id, resource: resource.id)
            let spAsResource = Make.permissionGrant(client: resource.id, resource: sp.id)
            let spRole = Make.roleAssignment(principal: sp.id)
            // Unrelated grants that must survive.
            let aliceHoldsResourceRole = Make.appRoleAssignment(principal: alice.id, type: .user, resource: resource.id)
            let unrelatedGrant = Make.permissionGrant(client: resource.id, resource: resource.id, consentType: "Principal", principal: alice.id)
            let aliceRole = Make.roleAssignment(principal: alice.id)
            for assignment in [spHoldsRole, userHoldsSPRole, aliceHoldsResourceRole] { try await r.appRoleAssignments.create(assignment) }
            for grant in [spAsClient, spAsResource, unrelatedGrant] { try await r.permissionGrants.create(grant) }
            for role in [spRole, aliceRole] { try await r.roleAssignments.create(role) }

            #expect(try await r.applications.delete(id: app.id.uppercased()) == true)

            #expect(try await r.applications.get(id: app.id) == nil)
            #expect(try await r.servicePrincipals.get(id: sp.id) == nil)
            #expect(try await r.servicePrincipals.get(appId: app.appId) == nil)
            #expect(try await r.owners.ownerIds(of: app.id).isEmpty)
            #expect(try await r.owners.ownerIds(of: sp.id).isEmpty)
            #expect(try await r.owners.ownerIds(of: resource.id).isEmpty)
            #expect(try await r.appRoleAssignments.get(id: spHoldsRole.id) == nil)
            #expect(try await r.appRoleAssignments.get(id: userHoldsSPRole.id) == nil)
            #expect(try await r.permissionGrants.get(id: spAsClient.id) == nil)
            #expect(try await r.permissionGrants.get(id: spAsResource.id) == nil)
            #expect(try await r.roleAssignments.get(id: spRole.id) == nil)

            #expect(try await r.users.get(id: alice.id) == alice)
            #expect(try await r.servicePrincipals.get(id: resource.id) == resource)
            #expect(try await r.applications.get(id: resourceApp.id) == resourceApp)
            #expect(try await r.appRoleAssignments.list(principalId: alice.id) == [aliceHoldsResourceRole])
            #expect(try await r.permissionGrants.get(id: unrelatedGrant.id) == unrelatedGrant)
            #expect(try await r.roleAssignments.get(id: aliceRole.id) == aliceRole)

            #expect(try await r.applications.delete(id: app.id) == false)
        }
    }

    @Test func deletingServicePrincipalKeepsItsApplication() async throws {
        try await StorageFixture.withDatabase { fx in
            let r = fx.repositories
            let app = Make.application("Keeps")
            let sp = Make.servicePrincipal(for: app)
            let other = Make.servicePrincipal("Other")
            try await r.applications.create(app, owners: [])
            try await r.servicePrincipals.create(sp, owners: [])
            try await r.servicePrincipals.create(other, owners: [])
            let assignment = Make.appRoleAssignment(principal: sp.id, resource: other.id)
            try await r.appRoleAssignments.create(assignment)
            #expect(try await r.servicePrincipals.delete(id: sp.id.uppercased()) == true)
            #expect(try await r.servicePrincipals.get(id: sp.id) == nil)
            #expect(try await r.applications.get(id: app.id) == app)
            #expect(try await r.appRoleAssignments.get(id: assignment.id) == nil)
            #expect(try await r.servicePrincipals.delete(id: sp.id) == false)
        }
    }

    @Test func deletingUserCascadesItsGrantsAndOwnerships() async throws {
        try await StorageFixture.withDatabase { fx in
            let r = fx.repositories
            let alice = Make.user("alice@contoso.test")
            let bob = Make.user("bob@contoso.test")
            try await r.users.create(alice)
            try await r.users.create(bob)
            let app = Make.application("Shared")
            let resource = Make.servicePrincipal(for: app)
            try await r.applications.create(app, owners: [alice.id, bob.id])
            try await r.servicePrincipals.create(resource, owners: [alice.id])

            let aliceRole = Make.roleAssignment(principal: alice.id)
            let bobRole = Make.roleAssignment(principal: bob.id, role: .userAdministrator)
            let aliceAppRole = Make.appRoleAssignment(principal: alice.id, type: .user, resource: resource.id)
            let bobAppRole = Make.appRoleAssignment(principal: bob.id, type: .user, resource: resource.id)
            let aliceConsent = Make.permissionGrant(client: resource.id, resource: resource.id, consentType: "Principal", principal: alice.id)
            let adminConsent = Make.permissionGrant(client: resource.id, resource: resource.id)
            try await r.roleAssignments.create(aliceRole)
            try await r.roleAssignments.create(bobRole)
            try await r.appRoleAssignments.create(aliceAppRole)
            try await r.appRoleAssignments.create(bobAppRole)
            try await r.permissionGrants.create(aliceConsent)
            try await r.permissionGrants.create(adminConsent)

            #expect(try await r.users.delete(id: alice.id.uppercased()) == true)

            #expect(try await r.users.get(id: alice.id) == nil)
            #expect(try await r.users.get(userPrincipalName: alice.userPrincipalName) == nil)
            #expect(try await r.roleAssignments.get(id: aliceRole.id) == nil)
            #expect(try await r.appRoleAssignments.get(id: aliceAppRole.id) == nil)
            #expect(try await r.permissionGrants.get(id: aliceConsent.id) == nil)
            #expect(try await r.owners.ownerIds(of: app.id) == [bob.id])
            #expect(try await r.owners.ownerIds(of: resource.id).isEmpty)

            #expect(try await r.users.get(id: bob.id) == bob)
            #expect(try await r.roleAssignments.get(id: bobRole.id) == bobRole)
            #expect(try await r.appRoleAssignments.list(resourceId: resource.id) == [bobAppRole])
            #expect(try await r.permissionGrants.get(id: adminConsent.id) == adminConsent)
            #expect(try await r.applications.get(id: app.id) == app)

            #expect(try await r.users.delete(id: alice.id) == false)
        }
    }

    // MARK: - Users

    @Test func userPrincipalNameIsUniqueCaseInsensitively() async throws {
        try await StorageFixture.withDatabase { fx in
            let users = fx.repositories.users
            let alice = Make.user("Alice@Contoso.test", displayName: "Alice")
            try await users.create(alice)
            #expect(try await users.get(id: alice.id.uppercased()) == alice)
            #expect(try await users.get(userPrincipalName: "alice@contoso.TEST") == alice)

            await #expect {
                try await users.create(Make.user("ALICE@contoso.test"))
            } throws: { error in
                guard case StoreError.conflict = error else { return false }
                return true
            }
            #expect(try await fx.count("users") == 1)

            var bob = Make.user("bob@contoso.test")
            try await users.create(bob)
            // Renaming onto someone else's UPN conflicts; keeping one's own (in any case) does not.
            bob.userPrincipalName = "alice@CONTOSO.test"
            await #expect {
                try await users.update(bob)
            } throws: { error in
                guard case StoreError.conflict = error else { return false }
                return true
            }
            var renamed = alice
            renamed.userPrincipalName = "ALICE@contoso.test"
            renamed.jobTitle = "Engineer"
            try await users.update(renamed)
            #expect(try await users.get(userPrincipalName: "alice@contoso.test") == renamed)

            let listed = try await users.list(DirectoryQuery(clauses: [.equals(field: "userPrincipalName", value: "BOB@contoso.test")]))
            #expect(listed.items.map(\.id) == [bob.id])
            let byMail = try await users.list(DirectoryQuery(clauses: [.startsWith(field: "mail", value: "ALICE")]))
            #expect(byMail.items.map(\.id) == [alice.id])
        }
    }

    // MARK: - Grants

    @Test func appRoleAssignmentsListByPrincipalAndResource() async throws {
        try await StorageFixture.withDatabase { fx in
            let grants = fx.repositories.appRoleAssignments
            let principal = Identifiers.objectId()
            let resourceA = Identifiers.objectId()
            let resourceB = Identifiers.objectId()
            let one = Make.appRoleAssignment(principal: principal, resource: resourceA)
            let two = Make.appRoleAssignment(principal: principal, resource: resourceB)
            let three = Make.appRoleAssignment(principal: Identifiers.objectId(), resource: resourceA)
            for assignment in [one, two, three] { try await grants.create(assignment) }
            #expect(try await grants.get(id: one.id) == one)
            #expect(Set(try await grants.list(principalId: principal.uppercased())) == [one, two])
            #expect(Set(try await grants.list(resourceId: resourceA)) == [one, three])
            #expect(try await grants.list(principalId: Identifiers.objectId()).isEmpty)
            #expect(try await grants.delete(id: one.id) == true)
            #expect(try await grants.delete(id: one.id) == false)
            #expect(try await grants.list(principalId: principal) == [two])
        }
    }

    @Test func permissionGrantsListByFilterAndUpdate() async throws {
        try await StorageFixture.withDatabase { fx in
            let grants = fx.repositories.permissionGrants
            let client = Identifiers.objectId()
            let otherClient = Identifiers.objectId()
            let resource = Identifiers.objectId()
            let user = Identifiers.objectId()
            let admin = Make.permissionGrant(client: client, resource: resource, scope: "User.Read")
            let personal = Make.permissionGrant(client: client, resource: resource, consentType: "Principal", principal: user, scope: "Mail.Read")
            let other = Make.permissionGrant(client: otherClient, resource: resource)
            for grant in [admin, personal, other] { try await grants.create(grant) }

            #expect(Set(try await grants.list(DirectoryQuery(clauses: [.equals(field: "clientId", value: client.uppercased())]))) == [admin, personal])
            #expect(Set(try await grants.list(DirectoryQuery(clauses: [.equals(field: "resourceId", value: resource)]))) == [admin, personal, other])
            #expect(try await grants.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: user)])) == [personal])
            let allPrincipals = try await grants.list(DirectoryQuery(clauses: [
                .equals(field: "clientId", value: client), .equals(field: "consentType", value: "AllPrincipals"),
            ]))
            #expect(allPrincipals == [admin])
            // consentType is compared exactly.
            #expect(try await grants.list(DirectoryQuery(clauses: [.equals(field: "consentType", value: "allprincipals")])).isEmpty)
            #expect(Set(try await grants.list(DirectoryQuery(clauses: [.anyIn(field: "clientId", values: [client, otherClient])]))).count == 3)
            #expect(try await grants.list(DirectoryQuery()).count == 3)

            var updated = admin
            updated.scope = "User.Read Directory.Read.All"
            try await grants.update(updated)
            #expect(try await grants.get(id: admin.id)?.scopes == ["User.Read", "Directory.Read.All"])
            #expect(try await grants.delete(id: other.id) == true)
            #expect(try await grants.delete(id: other.id) == false)
            #expect(try await grants.list(DirectoryQuery(clauses: [.equals(field: "clientId", value: otherClient)])).isEmpty)
        }
    }

    @Test func roleAssignmentsListByFilter() async throws {
        try await StorageFixture.withDatabase { fx in
            let roles = fx.repositories.roleAssignments
            let alice = Identifiers.objectId()
            let bob = Identifiers.objectId()
            let aliceAdmin = Make.roleAssignment(principal: alice, role: .globalAdministrator)
            let aliceApps = Make.roleAssignment(principal: alice, role: .applicationAdministrator)
            let bobAdmin = Make.roleAssignment(principal: bob, role: .globalAdministrator)
            for role in [aliceAdmin, aliceApps, bobAdmin] { try await roles.create(role) }
            #expect(try await roles.get(id: aliceAdmin.id) == aliceAdmin)
            #expect(Set(try await roles.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: alice)]))) == [aliceAdmin, aliceApps])
            let globalAdmins = try await roles.list(
                DirectoryQuery(clauses: [.equals(field: "roleDefinitionId", value: DirectoryRoleTemplate.globalAdministrator.id.uppercased())]))
            #expect(Set(globalAdmins) == [aliceAdmin, bobAdmin])
            let aliceGlobal = try await roles.list(DirectoryQuery(clauses: [
                .equals(field: "principalId", value: alice), .equals(field: "roleDefinitionId", value: DirectoryRoleTemplate.globalAdministrator.id),
            ]))
            #expect(aliceGlobal == [aliceAdmin])
            await #expect(throws: StoreError.unsupportedFilter("directoryScopeId")) {
                _ = try await roles.list(DirectoryQuery(clauses: [.equals(field: "directoryScopeId", value: "/")]))
            }
            #expect(try await roles.delete(id: aliceApps.id) == true)
            #expect(try await roles.delete(id: aliceApps.id) == false)
            #expect(try await roles.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: alice)])) == [aliceAdmin])
        }
    }

    // Regression (fixed): Tables.swift (columnValues of appRoleAssignments/permissionGrants/roleAssignments) stores principal_id,
    // resource_id and client_id exactly as given although those fields are declared `caseInsensitive: true` — the
    // filter value is lowercased (DocumentTable.resolve) and the `list(principalId:)`/`list(resourceId:)` lookups
    // lowercase too, so an id stored with upper-case letters can never be found again (nor cascaded on delete).
    @Test func grantIdColumnsDeclaredCaseInsensitiveMatchWhateverCaseWasStored() async throws {
        try await StorageFixture.withDatabase { fx in
            let r = fx.repositories
            let principal = Identifiers.objectId().uppercased()
            let resource = Identifiers.objectId().uppercased()
            let role = Make.roleAssignment(principal: principal)
            let grant = Make.permissionGrant(client: principal, resource: resource)
            let assignment = Make.appRoleAssignment(principal: principal, resource: resource)
            try await r.roleAssignments.create(role)
            try await r.permissionGrants.create(grant)
            try await r.appRoleAssignments.create(assignment)

            #expect(try await r.roleAssignments.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: principal)])) == [role])
            #expect(try await r.roleAssignments.list(DirectoryQuery(clauses: [.equals(field: "principalId", value: principal.lowercased())])) == [role])
            #expect(try await r.permissionGrants.list(DirectoryQuery(clauses: [.equals(field: "clientId", value: principal)])) == [grant])
            #expect(try await r.permissionGrants.list(DirectoryQuery(clauses: [.equals(field: "resourceId", value: resource)])) == [grant])
            #expect(try await r.appRoleAssignments.list(principalId: principal) == [assignment])
            #expect(try await r.appRoleAssignments.list(resourceId: resource) == [assignment])
        }
    }

    // MARK: - Tenant and signing keys

    @Test func tenantSaveAndLoad() async throws {
        try await StorageFixture.withDatabase { fx in
            let tenants = fx.repositories.tenants
            #expect(try await tenants.tenant() == nil)
            var tenant = Tenant(id: Identifiers.objectId(), displayName: "Contoso", defaultDomain: "contoso.test")
            try await tenants.save(tenant)
            #expect(try await tenants.tenant() == tenant)
            tenant.displayName = "Contoso Ltd"
            tenant.bootstrapAppId = Identifiers.objectId()
            tenant.bootstrapUserId = Identifiers.objectId()
            try await tenants.save(tenant)
            #expect(try await tenants.tenant() == tenant)
            #expect(try await fx.count("tenant") == 1)
        }
    }

    @Test func signingKeysComeBackNewestFirst() async throws {
        try await StorageFixture.withDatabase { fx in
            let tenants = fx.repositories.tenants
            #expect(try await tenants.signingKeys().isEmpty)
            let base = 1_750_000_000.0
            let middle = StoredSigningKey(kid: "kid-middle", sealedPrivateKey: "v1:middle", createdDateTime: Date(timeIntervalSince1970: base + 60))
            let oldest = StoredSigningKey(kid: "kid-oldest", sealedPrivateKey: "v1:oldest", createdDateTime: Date(timeIntervalSince1970: base))
            let newest = StoredSigningKey(kid: "kid-newest", sealedPrivateKey: "v1:newest", createdDateTime: Date(timeIntervalSince1970: base + 3600.5))
            for key in [middle, oldest, newest] { try await tenants.addSigningKey(key) }
            let keys = try await tenants.signingKeys()
            #expect(keys.map(\.kid) == ["kid-newest", "kid-middle", "kid-oldest"])
            #expect(keys.map(\.sealedPrivateKey) == ["v1:newest", "v1:middle", "v1:oldest"])
            for (stored, original) in zip(keys, [newest, middle, oldest]) {
                #expect(abs(stored.createdDateTime.timeIntervalSince(original.createdDateTime)) < 0.001)
            }
            // kid is the primary key.
            await #expect(throws: (any Error).self) { try await tenants.addSigningKey(newest) }
            #expect(try await tenants.signingKeys().count == 3)
        }
    }

    // MARK: - Transactions

    @Test func throwingWriteRollsBack() async throws {
        try await StorageFixture.withDatabase { fx in
            let id = Identifiers.objectId()
            await #expect(throws: Boom.self) {
                try await fx.provider.write { db in
                    try await db.insert(into: "users").columns("id", "user_principal_name", "display_name", "mail_nickname", "document")
                        .values(SQLBind(id), SQLBind("ghost@contoso.test"), SQLBind("ghost"), SQLBind("ghost"), SQLBind("{}")).run()
                    try await db.insert(into: "owners").columns("object_id", "owner_id", "owner_type")
                        .values(SQLBind(id), SQLBind(id), SQLBind("User")).run()
                    // Visible inside the transaction…
                    let inside = try await db.select().column("id").from("users").where("id", .equal, SQLBind(id)).first()
                    #expect(inside != nil)
                    throw Boom()
                }
            }
            // …but gone after the rollback, from the readers and the writer alike.
            #expect(try await fx.count("users") == 0)
            #expect(try await fx.count("owners") == 0)
            #expect(try await fx.repositories.users.get(id: id) == nil)
            let seenByWriter = try await fx.provider.write { db in
                try await db.select().column("id").from("users").where("id", .equal, SQLBind(id)).first() != nil
            }
            #expect(seenByWriter == false)

            // A write that returns commits, and the lock was released by the failed one.
            let committed = try await fx.provider.write { db -> Int in
                try await db.insert(into: "tenant").columns("id", "document").values(SQLBind("t"), SQLBind("{}")).run()
                return 7
            }
            #expect(committed == 7)
            #expect(try await fx.count("tenant") == 1)
        }
    }

    @Test func concurrentWritesAreSerialized() async throws {
        try await StorageFixture.withDatabase { fx in
            let apps = (0..<20).map { Make.application("Concurrent \($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for app in apps {
                    group.addTask { try await fx.repositories.applications.create(app, owners: []) }
                }
                try await group.waitForAll()
            }
            let page = try await fx.repositories.applications.list(DirectoryQuery(top: 100))
            #expect(page.items.map(\.id) == apps.map(\.id).sorted())
        }
    }

    // MARK: - Persistence

    @Test func dataSurvivesCloseAndReopen() async throws {
        try await StorageFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("persist.sqlite").path
            let alice = Make.user("alice@contoso.test")
            let app = Make.application("Persistent")
            let sp = Make.servicePrincipal(for: app)
            let tenant = Tenant(id: Identifiers.objectId(), displayName: "Contoso", defaultDomain: "contoso.test")
            let key = StoredSigningKey(kid: "kid-1", sealedPrivateKey: "v1:sealed", createdDateTime: Date(timeIntervalSince1970: 1_750_000_000))
            let role = Make.roleAssignment(principal: alice.id)

            let (first, applied) = try await StorageFixture.openMigrated(path: path)
            #expect(applied == Migration.all.map(\.version))
            do {
                let r = Repositories.sql(first, sealer: TestSealer())
                try await r.tenants.save(tenant)
                try await r.tenants.addSigningKey(key)
                try await r.users.create(alice)
                try await r.applications.create(app, owners: [alice.id])
                try await r.servicePrincipals.create(sp, owners: [])
                try await r.roleAssignments.create(role)
            } catch {
                try? await first.close()
                throw error
            }
            try await first.close()

            let (second, reapplied) = try await StorageFixture.openMigrated(path: path)
            do {
                #expect(reapplied.isEmpty)
                let r = Repositories.sql(second, sealer: TestSealer())
                #expect(try await r.tenants.tenant() == tenant)
                #expect(try await r.tenants.signingKeys().map(\.kid) == ["kid-1"])
                #expect(try await r.users.get(userPrincipalName: alice.userPrincipalName) == alice)
                #expect(try await r.applications.get(appId: app.appId) == app)
                #expect(try await r.servicePrincipals.get(id: sp.id) == sp)
                #expect(try await r.owners.ownerIds(of: app.id) == [alice.id])
                #expect(try await r.roleAssignments.get(id: role.id) == role)
            } catch {
                try? await second.close()
                throw error
            }
            try await second.close()
        }
    }
}

@Suite("Synchronization secrets in SQL")
struct SynchronizationSecretRepositoryTests {
    @Test func replaceIsWholeSealedAndCascadesWithTheServicePrincipal() async throws {
        try await StorageFixture.withDatabase { fixture in
            let app = Make.application("sync")
            let sp = Make.servicePrincipal(for: app)
            try await fixture.repositories.applications.create(app, owners: [])
            try await fixture.repositories.servicePrincipals.create(sp, owners: [])
            let store = fixture.repositories.synchronizationSecrets
            #expect(try await store.secrets(of: sp.id).values.isEmpty)

            try await store.replace(SynchronizationSecrets([.baseAddress: "https://scim.example", .secretToken: "token-123"]), of: sp.id)
            #expect(try await store.secrets(of: sp.id).values == [.baseAddress: "https://scim.example", .secretToken: "token-123"])
            // Values reach the table only through the sealer.
            let raw = try await fixture.provider.read { db in
                try await db.select().column("sealed_value").from("synchronization_secrets").all().map { try $0.decode(column: "sealed_value", as: String.self) }
            }
            #expect(raw.count == 2 && raw.allSatisfy { $0.hasPrefix("sealed:") && !$0.contains("token-123") })

            try await store.replace(SynchronizationSecrets([.secretToken: "token-456"]), of: sp.id)
            #expect(try await store.secrets(of: sp.id).values == [.secretToken: "token-456"])

            #expect(try await fixture.repositories.servicePrincipals.delete(id: sp.id))
            #expect(try await store.secrets(of: sp.id).values.isEmpty)
        }
    }
}
