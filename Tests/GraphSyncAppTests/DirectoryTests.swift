import Foundation
import GraphSyncCore
import Testing

/// Directory flows through Graph: secrets, owners, app role grants, users and directory roles feeding tokens.
@Suite struct DirectoryTests {
    @Test func addPasswordThenRemovePasswordControlsClientAuthentication() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let app = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "saas-connector"])
            let id = try #require(app["id"] as? String)
            let appId = try #require(app["appId"] as? String)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId]).status == 201)

            let added = try await server.send(.POST, "/v1.0/applications/\(id)/addPassword", token: admin, json: ["passwordCredential": ["displayName": "ci"]])
            #expect(added.status == 200)
            let secret = try #require(added["secretText"] as? String)
            let keyId = try #require(added["keyId"] as? String)
            #expect(added["hint"] as? String == String(secret.prefix(3)))

            // The secret authenticates, is never shown again, and is not stored in clear.
            _ = try await server.token(clientId: appId, secret: secret)
            let read = try await server.send(.GET, "/v1.0/applications/\(id)", token: admin)
            let credentials = try #require(read["passwordCredentials"] as? [[String: Any]])
            #expect(credentials.count == 1)
            #expect(credentials[0]["secretText"] is NSNull)
            #expect(!read.text.contains(secret))
            let database = try await server.storedBytes()
            #expect(database.range(of: Data(secret.utf8)) == nil)

            #expect(try await server.send(.POST, "/v1.0/applications/\(id)/removePassword", token: admin, json: ["keyId": keyId]).status == 204)
            let refused = try await server.send(
                .POST, "/\(server.tenantId)/oauth2/v2.0/token",
                body: TestServer.formEncode([("grant_type", "client_credentials"), ("client_id", appId), ("client_secret", secret),
                                             ("scope", "https://graph.microsoft.com/.default")]),
                contentType: "application/x-www-form-urlencoded")
            #expect(refused.status == 401)
            #expect(try await server.send(.POST, "/v1.0/applications/\(id)/removePassword", token: admin, json: ["keyId": keyId]).status == 400)
        }
    }

    @Test func ownersCanBeListedAddedAndRemoved() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let sp = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "owned"])
            let appId = try #require(sp["appId"] as? String)
            let servicePrincipal = try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId])
            let spId = try #require(servicePrincipal["id"] as? String)
            let userId = try #require(server.runtime.tenant.bootstrapUserId)

            let add = try await server.send(.POST, "/v1.0/servicePrincipals/\(spId)/owners/$ref", token: admin,
                                            json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(userId)"])
            #expect(add.status == 204)
            let again = try await server.send(.POST, "/v1.0/servicePrincipals/\(spId)/owners/$ref", token: admin,
                                              json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(userId)"])
            #expect(again.status == 400)
            let owners = try await server.send(.GET, "/v1.0/servicePrincipals/\(spId)/owners", token: admin)
            let ownerList = try #require(owners["value"] as? [[String: Any]])
            #expect(ownerList.contains { $0["id"] as? String == userId && $0["@odata.type"] as? String == "#microsoft.graph.user" })
            #expect((owners["@odata.context"] as? String)?.hasSuffix("$metadata#directoryObjects") == true)

            #expect(try await server.send(.DELETE, "/v1.0/servicePrincipals/\(spId)/owners/\(userId)/$ref", token: admin).status == 204)
            #expect(try await server.send(.DELETE, "/v1.0/servicePrincipals/\(spId)/owners/\(userId)/$ref", token: admin).status == 404)
            let missing = try await server.send(.POST, "/v1.0/servicePrincipals/\(spId)/owners/$ref", token: admin,
                                                json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(UUID().uuidString.lowercased())"])
            #expect(missing.status == 404)
        }
    }

    @Test func appRoleAssignedToGrantsGraphPermissionsThatShowUpInTokens() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, secret) = try await server.runtime.createApplication(displayName: "bot", permissions: [])
            let before = try await server.token(clientId: sp.appId, secret: secret)
            #expect(try await server.send(.GET, "/v1.0/applications", token: before).status == 403)

            let graph = try await server.send(.GET, "/v1.0/servicePrincipals(appId='\(WellKnown.graphAppId)')", token: admin)
            let graphId = try #require(graph["id"] as? String)
            let role = try #require((graph["appRoles"] as? [[String: Any]])?.first { $0["value"] as? String == "Application.Read.All" })
            let assignment = try await server.send(.POST, "/v1.0/servicePrincipals/\(graphId)/appRoleAssignedTo", token: admin, json: [
                "principalId": sp.id, "resourceId": graphId, "appRoleId": try #require(role["id"] as? String),
            ])
            #expect(assignment.status == 201)
            #expect(assignment["principalType"] as? String == "ServicePrincipal")
            let assignmentId = try #require(assignment["id"] as? String)
            #expect(assignmentId.count == 43)

            let after = try await server.token(clientId: sp.appId, secret: secret)
            #expect(try await server.send(.GET, "/v1.0/applications", token: after).status == 200)

            let listed = try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/appRoleAssignments", token: admin)
            #expect((listed["value"] as? [[String: Any]])?.map { $0["id"] as? String } == [assignmentId])

            let unknownRole = try await server.send(.POST, "/v1.0/servicePrincipals/\(graphId)/appRoleAssignedTo", token: admin, json: [
                "principalId": sp.id, "resourceId": graphId, "appRoleId": UUID().uuidString.lowercased(),
            ])
            #expect(unknownRole.status == 400)

            #expect(try await server.send(.DELETE, "/v1.0/servicePrincipals/\(graphId)/appRoleAssignedTo/\(assignmentId)", token: admin).status == 204)
            let revoked = try await server.token(clientId: sp.appId, secret: secret)
            #expect(try await server.send(.GET, "/v1.0/applications", token: revoked).status == 403)
        }
    }

    @Test func usersAndDirectoryRolesFeedDelegatedTokens() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let created = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Ada", "mailNickname": "ada", "userPrincipalName": "ada@graphsync.local",
                "passwordProfile": ["password": "Str0ng!Passw0rd", "forceChangePasswordNextSignIn": false],
            ])
            #expect(created.status == 201)
            #expect(created["passwordProfile"] == nil)
            let userId = try #require(created["id"] as? String)

            let weak = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Bob", "mailNickname": "bob", "userPrincipalName": "bob@graphsync.local",
                "passwordProfile": ["password": "short"],
            ])
            #expect(weak.status == 400)
            let duplicate = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Ada", "mailNickname": "ada2", "userPrincipalName": "ADA@graphsync.local",
                "passwordProfile": ["password": "Str0ng!Passw0rd"],
            ])
            #expect(duplicate.status == 400)

            // Without a role the user's token has the scope but Graph refuses the admin operation.
            let plain = try await server.token(username: "ada@graphsync.local", password: "Str0ng!Passw0rd")
            #expect(try await server.send(.POST, "/v1.0/applications", token: plain, json: ["displayName": "x"]).status == 403)

            let assignment = try await server.send(.POST, "/v1.0/roleManagement/directory/roleAssignments", token: admin, json: [
                "roleDefinitionId": DirectoryRoleTemplate.applicationAdministrator.id, "principalId": userId, "directoryScopeId": "/",
            ])
            #expect(assignment.status == 201)
            let assignmentId = try #require(assignment["id"] as? String)
            let withRole = try await server.token(username: "ada@graphsync.local", password: "Str0ng!Passw0rd")
            #expect(try await server.send(.POST, "/v1.0/applications", token: withRole, json: ["displayName": "x"]).status == 201)

            let byUpn = try await server.send(.GET, "/v1.0/users/ada@graphsync.local", token: admin)
            #expect(byUpn["id"] as? String == userId)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(userId)", token: admin, json: ["jobTitle": "Engineer"]).status == 204)
            #expect(try await server.send(.GET, "/v1.0/users/\(userId)", token: admin)["jobTitle"] as? String == "Engineer")

            #expect(try await server.send(.DELETE, "/v1.0/roleManagement/directory/roleAssignments/\(assignmentId)", token: admin).status == 204)
            #expect(try await server.send(.DELETE, "/v1.0/users/\(userId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/users/\(userId)", token: admin).status == 404)
        }
    }

    /// Users carry every property of Graph's metadata: stored as sent, checked by type, returned with defaults; the
    /// password is never returned.
    @Test func usersTakeEveryGraphPropertyAndNeverShowTheirPassword() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let created = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Lin", "mailNickname": "lin", "userPrincipalName": "lin@graphsync.local",
                "passwordProfile": ["password": "Lin-Pass-12345"], "department": "Research", "employeeId": "E-17",
                "businessPhones": ["+1 555 0101"], "usageLocation": "US",
            ])
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created["id"] as? String)
            // A read answers Graph's default property set; $select reaches every other property.
            let plain = try await server.send(.GET, "/v1.0/users/\(id)", token: admin)
            #expect(plain["businessPhones"] as? [String] == ["+1 555 0101"] && plain["officeLocation"] is NSNull)
            #expect(plain["department"] == nil && plain["accountEnabled"] == nil && plain["displayName"] as? String == "Lin")
            let user = try await server.send(.GET, "/v1.0/users/\(id)?$select=department,employeeId,accountEnabled,passwordProfile", token: admin)
            #expect(user.status == 400, "passwordProfile is never readable")
            let selected = try await server.send(.GET, "/v1.0/users/\(id)?$select=department,employeeId,accountEnabled", token: admin)
            #expect(selected["department"] as? String == "Research" && selected["employeeId"] as? String == "E-17")
            #expect(selected["accountEnabled"] as? Bool == true)
            #expect(!selected.text.contains("Lin-Pass-12345") && !plain.text.contains("Lin-Pass-12345"))
            let wrong = try await server.send(.PATCH, "/v1.0/users/\(id)", token: admin, json: ["businessPhones": "+1 555 0101"])
            #expect(wrong.status == 400 && wrong.errorMessage?.contains("businessPhones") == true)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(id)", token: admin, json: ["colour": "red"]).status == 400)
            #expect(try await server.send(.PATCH, "/v1.0/users/\(id)", token: admin, json: ["createdDateTime": "2020-01-01T00:00:00Z"]).status == 400)
        }
    }

    @Test func deletingAnApplicationRemovesItsServicePrincipal() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let app = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "gone"])
            let id = try #require(app["id"] as? String)
            let appId = try #require(app["appId"] as? String)
            let sp = try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId])
            let spId = try #require(sp["id"] as? String)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId]).status == 400)
            #expect(try await server.send(.DELETE, "/v1.0/applications/\(id)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/servicePrincipals/\(spId)", token: admin).status == 404)
            #expect(try await server.send(.GET, "/v1.0/applications(appId='\(appId)')", token: admin).status == 404)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": UUID().uuidString]).status == 400)
        }
    }
}

extension DirectoryTests {
    @Test func servicePrincipalPasswordsAuthenticateToo() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "sp-secret", permissions: [])
            let added = try await server.send(.POST, "/v1.0/servicePrincipals(appId='\(sp.appId)')/addPassword", token: admin, json: [:] as [String: String])
            #expect(added.status == 200, "\(added.text)")
            let secret = try #require(added["secretText"] as? String)
            _ = try await server.token(clientId: sp.appId, secret: secret)
            let keyId = try #require(added["keyId"] as? String)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/removePassword", token: admin, json: ["keyId": "nope"]).status == 400)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/removePassword", token: admin, json: ["keyId": keyId]).status == 204)
        }
    }
}
