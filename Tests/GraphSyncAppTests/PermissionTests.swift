import Foundation
import GraphSyncCore
import Testing

/// The documented permission model: delegated scopes plus admin roles, application roles, OwnedBy only for owners,
/// personal accounts refused. A valid token without permission gets 403 `Authorization_RequestDenied`.
@Suite struct PermissionTests {
    let appAdmin = DirectoryRoleTemplate.applicationAdministrator.id
    let globalAdmin = DirectoryRoleTemplate.globalAdministrator.id

    func createApplication(_ server: TestServer, token: String, name: String = "app") async throws -> TestServer.Reply {
        try await server.send(.POST, "/v1.0/applications", token: token, json: ["displayName": name])
    }

    func expectForbidden(_ reply: TestServer.Reply) {
        #expect(reply.status == 403, "status \(reply.status): \(reply.text)")
        #expect(reply.errorCode == "Authorization_RequestDenied")
        #expect(reply.errorMessage?.hasPrefix("Insufficient privileges to complete the operation. This operation needs ") == true, "\(reply.text)")
    }

    /// A 403 names what to grant: clients such as Terraform's provider retry 403s until they time out.
    @Test func refusalsNameTheMissingPermission() async throws {
        try await TestServer.run { server in
            let reader = try await server.mint(server.appGrant(roles: ["Application.Read.All"]))
            let refused = try await createApplication(server, token: reader)
            expectForbidden(refused)
            #expect(refused.errorMessage?.contains("application permission Application.ReadWrite.All") == true, "\(refused.text)")
            let user = try await server.mint(server.userGrant(scopes: ["Application.ReadWrite.All"], wids: []))
            let delegated = try await createApplication(server, token: user)
            expectForbidden(delegated)
            #expect(delegated.errorMessage?.contains("Application Administrator") == true, "\(delegated.text)")
        }
    }

    @Test func delegatedNeedsScopeAndAdminRole() async throws {
        try await TestServer.run { server in
            let withRole = try await server.mint(server.userGrant(scopes: ["Application.ReadWrite.All"], wids: [appAdmin]))
            #expect(try await createApplication(server, token: withRole).status == 201)

            let withoutRole = try await server.mint(server.userGrant(scopes: ["Application.ReadWrite.All"], wids: []))
            expectForbidden(try await createApplication(server, token: withoutRole))

            let withoutScope = try await server.mint(server.userGrant(scopes: ["User.Read"], wids: [globalAdmin]))
            expectForbidden(try await createApplication(server, token: withoutScope))

            let globalAdmin = try await server.mint(server.userGrant(scopes: ["Directory.ReadWrite.All"], wids: [globalAdmin]))
            #expect(try await createApplication(server, token: globalAdmin).status == 201)
        }
    }

    @Test func personalMicrosoftAccountsAreRefused() async throws {
        try await TestServer.run { server in
            let msa = try await server.mint(
                server.userGrant(scopes: ["Application.ReadWrite.All"], wids: [globalAdmin], tenantId: WellKnown.personalAccountTenantId))
            expectForbidden(try await createApplication(server, token: msa))
            expectForbidden(try await server.send(.GET, "/v1.0/applications", token: msa))
        }
    }

    @Test func applicationNeedsOneOfTheRoles() async throws {
        try await TestServer.run { server in
            let none = try await server.mint(server.appGrant(roles: []))
            expectForbidden(try await createApplication(server, token: none))
            expectForbidden(try await server.send(.GET, "/v1.0/applications", token: none))

            let readOnly = try await server.mint(server.appGrant(roles: ["Application.Read.All"]))
            #expect(try await server.send(.GET, "/v1.0/applications", token: readOnly).status == 200)
            expectForbidden(try await createApplication(server, token: readOnly))

            let readWrite = try await server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]))
            #expect(try await createApplication(server, token: readWrite).status == 201)
        }
    }

    @Test func ownedByGrantsAccessOnlyToOwnedObjects() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            // A real OwnedBy client: an app + service principal holding only Application.ReadWrite.OwnedBy.
            let (_, sp, secret) = try await server.runtime.createApplication(displayName: "owner-bot", permissions: [.applicationReadWriteOwnedBy])
            let ownedBy = try await server.token(clientId: sp.appId, secret: secret)

            // It may create an application, and becomes its owner.
            let created = try await createApplication(server, token: ownedBy, name: "mine")
            #expect(created.status == 201)
            let mine = try #require(created["id"] as? String)
            let owners = try await server.send(.GET, "/v1.0/applications/\(mine)/owners", token: admin)
            #expect((owners["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [sp.id])

            // It manages what it owns...
            #expect(try await server.send(.PATCH, "/v1.0/applications/\(mine)", token: ownedBy, json: ["notes": "ok"]).status == 204)
            #expect(try await server.send(.GET, "/v1.0/applications/\(mine)", token: ownedBy).status == 200)

            // ...but nothing else, and lists show only owned objects.
            let other = try #require(try await createApplication(server, token: admin, name: "not-mine")["id"] as? String)
            expectForbidden(try await server.send(.PATCH, "/v1.0/applications/\(other)", token: ownedBy, json: ["notes": "no"]))
            expectForbidden(try await server.send(.DELETE, "/v1.0/applications/\(other)", token: ownedBy))
            expectForbidden(try await server.send(.GET, "/v1.0/applications/\(other)", token: ownedBy))
            let listed = try await server.send(.GET, "/v1.0/applications", token: ownedBy)
            #expect((listed["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [mine])

            // OwnedBy alone cannot add owners.
            expectForbidden(try await server.send(
                .POST, "/v1.0/applications/\(mine)/owners/$ref", token: ownedBy,
                json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(server.facts.clientId)"]))
        }
    }

    @Test func usersAndRoleAssignmentsNeedTheirOwnPermissions() async throws {
        try await TestServer.run { server in
            let appOnly = try await server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]))
            expectForbidden(try await server.send(.GET, "/v1.0/users", token: appOnly))
            expectForbidden(try await server.send(.GET, "/v1.0/roleManagement/directory/roleAssignments", token: appOnly))
            let admin = try await server.adminToken()
            #expect(try await server.send(.GET, "/v1.0/users", token: admin).status == 200)
            #expect(try await server.send(.GET, "/v1.0/roleManagement/directory/roleAssignments", token: admin).status == 200)
        }
    }
}
