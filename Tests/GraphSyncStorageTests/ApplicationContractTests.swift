import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import SQLKit
import Testing

/// The repository contract: Applications, service principals and owners.
extension RepositoryContractTests {
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

}
