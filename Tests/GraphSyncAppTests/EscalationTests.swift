import Foundation
import GraphSyncCore
import Testing

/// Callers with some permissions trying to reach beyond Graph's permission model, against a real server.
@Suite struct EscalationTests {
    func expectForbidden(_ reply: TestServer.Reply, _ comment: Comment? = nil) {
        #expect(reply.status == 403, "status \(reply.status): \(reply.text) \(comment?.rawValue ?? "")")
        #expect(reply.errorCode == "Authorization_RequestDenied")
    }

    @Test func ownedByCannotCreateAServicePrincipalForAnApplicationItDoesNotOwn() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, bot, secret) = try await server.runtime.createApplication(displayName: "owner-bot", permissions: [.applicationReadWriteOwnedBy])
            let ownedBy = try await server.token(clientId: bot.appId, secret: secret)

            // Someone else's application without a service principal yet.
            let foreign = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "payroll"])
            let foreignAppId = try #require(foreign["appId"] as? String)
            let refused = try await server.send(.POST, "/v1.0/servicePrincipals", token: ownedBy, json: ["appId": foreignAppId])
            expectForbidden(refused)
            #expect(refused.errorMessage?.contains("owns") == true)
            let none = try await server.send(.GET, "/v1.0/servicePrincipals?$filter=appId%20eq%20'\(foreignAppId)'", token: admin)
            #expect((none["value"] as? [Any])?.isEmpty == true, "nothing was created")

            // Its own application: allowed, and it owns the service principal.
            let mine = try await server.send(.POST, "/v1.0/applications", token: ownedBy, json: ["displayName": "mine"])
            let mineAppId = try #require(mine["appId"] as? String)
            let created = try await server.send(.POST, "/v1.0/servicePrincipals", token: ownedBy, json: ["appId": mineAppId])
            #expect(created.status == 201, "\(created.text)")
        }
    }

    @Test func provisioningLogsNeedAuditLogPermissions() async throws {
        try await TestServer.run { server in
            let (_, bot, secret) = try await server.runtime.createApplication(displayName: "owner-bot", permissions: [.applicationReadWriteOwnedBy])
            expectForbidden(try await server.send(.GET, "/v1.0/auditLogs/provisioning", token: try await server.token(clientId: bot.appId, secret: secret)))
            expectForbidden(try await server.send(.GET, "/v1.0/auditLogs/provisioning", token: try await server.mint(server.appGrant(roles: ["Synchronization.ReadWrite.All"]))))
            let reader = try await server.mint(server.appGrant(roles: ["AuditLog.Read.All"]))
            #expect(try await server.send(.GET, "/v1.0/auditLogs/provisioning", token: reader).status == 200)
            let reportsReader = try await server.mint(server.userGrant(scopes: ["AuditLog.Read.All"], wids: [DirectoryRoleTemplate.reportsReader.id]))
            #expect(try await server.send(.GET, "/v1.0/auditLogs/provisioning", token: reportsReader).status == 200)
            let noRole = try await server.mint(server.userGrant(scopes: ["AuditLog.Read.All"], wids: []))
            expectForbidden(try await server.send(.GET, "/v1.0/auditLogs/provisioning", token: noRole))
            // The bootstrap admin app holds AuditLog.Read.All.
            #expect(try await server.send(.GET, "/v1.0/auditLogs/provisioning", token: try await server.adminToken()).status == 200)
        }
    }

    @Test func userWritersCannotTakeOverAdministrators() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let globalAdminId = try #require(try await server.runtime.repositories.users.get(userPrincipalName: server.facts.adminUserPrincipalName)?.id)
            let plain = try await server.runtime.createUser(userPrincipalName: "plain@graphsync.local", displayName: "Plain", password: "Plain-Pass-123", roles: [])
            let userAdmin = try await server.runtime.createUser(
                userPrincipalName: "useradmin@graphsync.local", displayName: "UA", password: "UA-Pass-12345", roles: [.userAdministrator])
            let reset = ["passwordProfile": ["password": "Taken-Over-1234", "forceChangePasswordNextSignIn": false]]

            // App-only User.ReadWrite.All: no password resets at all (needs a directory role), no sensitive change on an admin.
            let (_, writer, secret) = try await server.runtime.createApplication(displayName: "user-writer", permissions: [.userReadWriteAll])
            let appOnly = try await server.token(clientId: writer.appId, secret: secret)
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: reset))
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: ["accountEnabled": false]))
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: ["userPrincipalName": "x@graphsync.local"]))
            expectForbidden(try await server.send(.DELETE, "/v1.0/users/\(globalAdminId)", token: appOnly))
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(userAdmin.id)", token: appOnly, json: ["accountEnabled": false]))
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(plain.id)", token: appOnly, json: reset), "app-only reset needs a role")
            #expect(try await server.send(.PATCH, "/v1.0/users/\(plain.id)", token: appOnly, json: ["accountEnabled": false]).status == 204)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: ["jobTitle": "CEO"]).status == 204, "not sensitive")
            // Phones and other mails (where MFA and reset codes go) are sensitive too; department is not.
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: ["mobilePhone": "+1 555 0100"]))
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: ["otherMails": ["evil@example.test"]]))
            #expect(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: appOnly, json: ["department": "Board"]).status == 204)

            // With User Administrator on its service principal, the app may reset a plain user, still not a Global Administrator.
            let assigned = try await server.send(.POST, "/v1.0/roleManagement/directory/roleAssignments", token: admin, json: [
                "principalId": writer.id, "roleDefinitionId": DirectoryRoleTemplate.userAdministrator.id, "directoryScopeId": "/",
            ])
            #expect(assigned.status == 201, "\(assigned.text)")
            let withRole = try await server.token(clientId: writer.appId, secret: secret)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(plain.id)", token: withRole, json: reset).status == 204)
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: withRole, json: reset))

            // A delegated User Administrator: other user admins yes, a Global Administrator no.
            let delegated = try await server.token(username: userAdmin.userPrincipalName, password: "UA-Pass-12345")
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: delegated, json: ["accountEnabled": false]))
            expectForbidden(try await server.send(.PATCH, "/v1.0/users/\(globalAdminId)", token: delegated, json: reset))

            // The Global Administrator is untouched and still signs in with its password.
            let stored = try #require(try await server.runtime.repositories.users.get(id: globalAdminId))
            #expect(stored.accountEnabled && stored.userPrincipalName == server.facts.adminUserPrincipalName)
            _ = try await server.token(username: server.facts.adminUserPrincipalName, password: server.facts.adminPassword)

            // A Global Administrator may do all of it.
            let globalAdmin = try await server.token(username: server.facts.adminUserPrincipalName, password: server.facts.adminPassword)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(userAdmin.id)", token: globalAdmin, json: ["accountEnabled": false]).status == 204)
        }
    }

    /// Granting app roles takes AppRoleAssignment.ReadWrite.All, as in Graph: an app with Application.ReadWrite.All (or
    /// Directory.ReadWrite.All) could otherwise assign itself any Graph permission, RoleManagement.ReadWrite.Directory
    /// among them. Microsoft Graph's own service principal cannot be changed either.
    @Test func applicationWritersCannotGrantThemselvesAppRoles() async throws {
        try await TestServer.run { server in
            let graph = try await server.runtime.directory.graphServicePrincipal()
            for permission in [GraphPermission.applicationReadWriteAll, .directoryReadWriteAll] {
                let (_, app, secret) = try await server.runtime.createApplication(displayName: "writer-\(permission.value)", permissions: [permission])
                let token = try await server.token(clientId: app.appId, secret: secret)
                let grant: [String: Any] = ["principalId": app.id, "resourceId": graph.id, "appRoleId": GraphPermission.roleManagementReadWriteDirectory.applicationId ?? ""]
                expectForbidden(try await server.send(.POST, "/v1.0/servicePrincipals/\(graph.id)/appRoleAssignedTo", token: token, json: grant), "\(permission.value)")
                expectForbidden(try await server.send(.POST, "/v1.0/servicePrincipals/\(app.id)/appRoleAssignments", token: token, json: grant), "\(permission.value)")
                expectForbidden(try await server.send(.POST, "/v1.0/servicePrincipals/\(graph.id)/addPassword", token: token, json: ["passwordCredential": [:]]))
                expectForbidden(try await server.send(.PATCH, "/v1.0/servicePrincipals/\(graph.id)", token: token, json: ["accountEnabled": false]))
            }
            // AppRoleAssignment.ReadWrite.All may.
            let (_, assigner, secret) = try await server.runtime.createApplication(displayName: "assigner", permissions: [.appRoleAssignmentReadWriteAll])
            let token = try await server.token(clientId: assigner.appId, secret: secret)
            let grant: [String: Any] = ["principalId": assigner.id, "resourceId": graph.id, "appRoleId": GraphPermission.userReadAll.applicationId ?? ""]
            let granted = try await server.send(.POST, "/v1.0/servicePrincipals/\(graph.id)/appRoleAssignedTo", token: token, json: grant)
            #expect(granted.status == 201, "\(granted.text)")
        }
    }
}
