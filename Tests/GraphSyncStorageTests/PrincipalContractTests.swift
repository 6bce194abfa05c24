import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import SQLKit
import Testing

/// The repository contract: Users and grants.
extension RepositoryContractTests {
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

    /// A page's managers' reports in one windowed query: at most `limit` each, in id order, however many one manager has.
    @Test func directReportsOfSeveralManagersAreCutPerManager() async throws {
        try await StorageFixture.withDatabase { fx in
            let tag = UUID().uuidString.prefix(8).lowercased()
            func user(_ name: String, manager: String?) async throws -> String {
                var user = User(id: "\(name)-\(tag)", userPrincipalName: "\(name)-\(tag)@contoso.test", displayName: name, mailNickname: name,
                                createdDateTime: Date())
                user.managerId = manager
                try await fx.repositories.users.create(user)
                return user.id
            }
            let boss = try await user("boss", manager: nil)
            let lead = try await user("lead", manager: nil)
            var reports: [String] = []
            for index in 0..<5 { reports.append(try await user("r\(index)", manager: boss.uppercased())) }
            let solo = try await user("solo", manager: lead)
            let found = try await fx.repositories.users.directReports(ofEach: [boss, lead, "nobody"], limit: 3)
            #expect(found.mapValues { $0.map(\.id) } == [boss: Array(reports.sorted().prefix(3)), lead: [solo]])
            #expect(try await fx.repositories.users.directReports(of: boss, DirectoryQuery(top: 10)).items.count == 5)
        }
    }

    /// Deleted items are deleted for good once past their retention (Graph: 30 days), oldest first, a batch at a time.
    @Test func deletedItemsPastTheirRetentionArePurgedInBatches() async throws {
        try await StorageFixture.withDatabase { fx in
            let ids = (1...3).map { "p\($0)-\(UUID().uuidString.prefix(8).lowercased())" }
            for id in ids {
                try await fx.repositories.users.create(
                    User(id: id, userPrincipalName: "\(id)@contoso.test", displayName: id, mailNickname: id, createdDateTime: Date()))
                #expect(try await fx.repositories.users.delete(id: id))
            }
            let deletedItems = fx.repositories.deletedItems
            #expect(try await deletedItems.purge(deletedBefore: Date().addingTimeInterval(-3_600), limit: 10) == 0, "all are recent")
            #expect(try await deletedItems.purge(deletedBefore: Date().addingTimeInterval(1), limit: 2) == 2)
            #expect(try await deletedItems.list(typeName: "user", top: 10).count == 1)

            let retention = DeletedItemRetention(deletedItems: deletedItems)
            #expect(try await retention.purgeExpired() == 0, "within Graph's 30 days")
            #expect(try await retention.purgeExpired(now: Date().addingTimeInterval(31 * 86_400)) == 1)
            #expect(try await deletedItems.list(typeName: "user", top: 10).isEmpty)
            for id in ids { #expect(try await fx.repositories.users.get(id: id) == nil, "deleted for good, not restored") }
        }
    }

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

}
