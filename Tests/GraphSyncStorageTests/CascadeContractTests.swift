import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import SQLKit
import Testing

/// The repository contract: What a deletion takes with it.
extension RepositoryContractTests {
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

}
