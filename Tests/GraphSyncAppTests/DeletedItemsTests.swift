import Foundation
import Testing

/// Deleting soft-deletes, as Graph does: the object waits in `directory/deletedItems` to be restored or deleted for good.
@Suite struct DeletedItemsTests {
    @Test func deletedObjectsCanBeListedRestoredAndPurged() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let app = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "to delete", "notes": "kept"])
            let appId = try #require(app["id"] as? String)
            let clientId = try #require(app["appId"] as? String)
            let sp = try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": clientId])
            let spId = try #require(sp["id"] as? String)
            #expect(try await server.send(.DELETE, "/v1.0/applications/\(appId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/applications/\(appId)", token: admin).status == 404)

            let listed = try await server.send(.GET, "/v1.0/directory/deletedItems/microsoft.graph.application", token: admin)
            let apps = try #require(listed["value"] as? [[String: Any]], "\(listed.text)")
            #expect(apps.map { $0["id"] as? String } == [appId])
            #expect(apps.first?["deletedDateTime"] is String && apps.first?["@odata.type"] as? String == "#microsoft.graph.application")
            let deletedSps = try await server.send(.GET, "/beta/directory/deletedItems/microsoft.graph.servicePrincipal", token: admin)
            #expect((deletedSps["value"] as? [[String: Any]])?.map { $0["id"] as? String } == [spId], "the app's service principal goes with it")
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/\(appId)", token: admin)["notes"] as? String == "kept")

            // A service principal cannot come back before its application; the application can, as it was.
            let early = try await server.send(.POST, "/v1.0/directory/deletedItems/\(spId)/restore", token: admin)
            #expect(early.status == 400, "\(early.text)")
            let restored = try await server.send(.POST, "/v1.0/directory/deletedItems/\(appId)/restore", token: admin)
            #expect(restored.status == 200 && restored["deletedDateTime"] is NSNull, "\(restored.text)")
            #expect(try await server.send(.GET, "/v1.0/applications/\(appId)", token: admin)["appId"] as? String == clientId)
            #expect(try await server.send(.POST, "/v1.0/directory/deletedItems/\(spId)/restore", token: admin).status == 200)
            #expect(try await server.send(.GET, "/v1.0/servicePrincipals/\(spId)", token: admin).status == 200)

            // Deleted for good (what Terraform does on destroy when asked to).
            #expect(try await server.send(.DELETE, "/v1.0/applications/\(appId)", token: admin).status == 204)
            #expect(try await server.send(.DELETE, "/v1.0/directory/deletedItems/\(appId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/\(appId)", token: admin).status == 404)
            #expect(try await server.send(.POST, "/v1.0/directory/deletedItems/\(appId)/restore", token: admin).status == 404)

            // Users come back too, unless their userPrincipalName was taken meanwhile; security groups are deleted for good.
            let user = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Bo", "mailNickname": "bo", "userPrincipalName": "bo@graphsync.local",
                "passwordProfile": ["password": "Bo-Pass-123456"],
            ])
            let userId = try #require(user["id"] as? String)
            #expect(try await server.send(.DELETE, "/v1.0/users/\(userId)", token: admin).status == 204)
            let taken = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Bo 2", "mailNickname": "bo2", "userPrincipalName": "bo@graphsync.local",
                "passwordProfile": ["password": "Bo-Pass-123456"],
            ])
            #expect(taken.status == 201)
            #expect(try await server.send(.POST, "/v1.0/directory/deletedItems/\(userId)/restore", token: admin).status == 400)
            let group = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": "sec", "mailNickname": "sec", "mailEnabled": false, "securityEnabled": true,
            ])
            let groupId = try #require(group["id"] as? String)
            #expect(try await server.send(.DELETE, "/v1.0/groups/\(groupId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/\(groupId)", token: admin).status == 404)

            // Each type keeps its permissions.
            let reader = try await server.mint(server.appGrant(roles: ["User.Read.All"]))
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/microsoft.graph.application", token: reader).status == 403)
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/microsoft.graph.user", token: reader).status == 200)
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/microsoft.graph.colour", token: admin).status == 400)
        }
    }

    /// A server deletes for good what was deleted longer ago than its retention (`--deleted-items-retention`).
    @Test func deletedItemsAreDeletedForGoodAfterTheRetention() async throws {
        try await TestServer.run(configure: { $0.deletedItemsRetention = 6 }) { server in
            let admin = try await server.adminToken()
            let user = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Cy", "mailNickname": "cy", "userPrincipalName": "cy@graphsync.local",
                "passwordProfile": ["password": "Cy-Pass-123456"],
            ])
            let userId = try #require(user["id"] as? String)
            #expect(try await server.send(.DELETE, "/v1.0/users/\(userId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/directory/deletedItems/\(userId)", token: admin).status == 200, "restorable at first")
            // The server sweeps every second with a 6-second retention (long enough that a busy machine's pause between the
            // delete and the first read cannot purge it before it is seen): gone within about 7 seconds (the wait is bounded).
            var status = 200
            for _ in 0..<200 where status == 200 {
                try await Task.sleep(for: .milliseconds(100))
                status = try await server.send(.GET, "/v1.0/directory/deletedItems/\(userId)", token: admin).status
            }
            #expect(status == 404)
            #expect(try await server.send(.POST, "/v1.0/directory/deletedItems/\(userId)/restore", token: admin).status == 404)
        }
    }
}
