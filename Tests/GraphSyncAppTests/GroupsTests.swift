import Foundation
import GraphSyncCore
import Testing

/// Groups and membership through Graph, and assigning a group to an application.
@Suite struct GroupsTests {
    @Test func groupsMembersAndAssignment() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let user = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Grace", "mailNickname": "grace", "userPrincipalName": "grace@graphsync.local",
                "passwordProfile": ["password": "Str0ng!Passw0rd"],
            ])
            let userId = try #require(user["id"] as? String)
            let created = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": "Engineering", "mailNickname": "eng", "mailEnabled": false, "securityEnabled": true,
                "members@odata.bind": ["https://graph.microsoft.com/v1.0/users/\(userId)"],
            ])
            #expect(created.status == 201, "\(created.text)")
            let groupId = try #require(created["id"] as? String)
            let read = try await server.send(.GET, "/v1.0/groups/\(groupId)", token: admin)
            #expect(read["description"] != nil && read["unseenCount"] == nil && read["allowExternalSenders"] == nil, "only on $select, as Graph")
            let selected = try await server.send(.GET, "/v1.0/groups/\(groupId)?$select=displayName,unseenCount", token: admin)
            #expect(selected["displayName"] as? String == "Engineering" && selected.json.keys.contains("unseenCount") == true, "\(selected.text)")
            #expect(try await server.send(.POST, "/v1.0/groups", token: admin, json: ["displayName": "x"]).status == 400)

            let inner = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": "Platform", "mailNickname": "platform", "mailEnabled": false, "securityEnabled": true,
            ])
            let innerId = try #require(inner["id"] as? String)
            let add = try await server.send(.POST, "/v1.0/groups/\(groupId)/members/$ref", token: admin,
                                            json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(innerId)"])
            #expect(add.status == 204)
            let again = try await server.send(.POST, "/v1.0/groups/\(groupId)/members/$ref", token: admin,
                                              json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(innerId)"])
            #expect(again.status == 400)
            let members = try await server.send(.GET, "/v1.0/groups/\(groupId)/members", token: admin)
            let types = (members["value"] as? [[String: Any]])?.compactMap { $0["@odata.type"] as? String }.sorted()
            #expect(types == ["#microsoft.graph.group", "#microsoft.graph.user"])

            let (_, sp, _) = try await server.runtime.createApplication(displayName: "SaaS", permissions: [])
            let assigned = try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/appRoleAssignedTo", token: admin, json: [
                "principalId": groupId, "resourceId": sp.id, "appRoleId": WellKnown.defaultAccessAppRoleId,
            ])
            #expect(assigned.status == 201, "\(assigned.text)")
            #expect(assigned["principalType"] as? String == "Group")

            #expect(try await server.send(.DELETE, "/v1.0/groups/\(groupId)/members/\(innerId)/$ref", token: admin).status == 204)
            #expect(try await server.send(.DELETE, "/v1.0/groups/\(groupId)", token: admin).status == 204)
            let assignments = try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/appRoleAssignedTo", token: admin)
            #expect((assignments["value"] as? [Any])?.isEmpty == true)
        }
    }
}
