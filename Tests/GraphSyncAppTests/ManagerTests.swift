import Foundation
import Testing

/// A user's manager as Graph has it: `PUT …/manager/$ref`, `GET …/manager`, `DELETE …/manager/$ref`.
@Suite struct ManagerTests {
    @Test func aManagerIsSetReadAndRemoved() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            func user(_ name: String) async throws -> String {
                let created = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                    "accountEnabled": true, "displayName": name, "mailNickname": name, "userPrincipalName": "\(name)@graphsync.local",
                    "passwordProfile": ["password": "Str0ng!Passw0rd"],
                ])
                return try #require(created["id"] as? String, "\(created.text)")
            }
            let ada = try await user("ada")
            let grace = try await user("grace")
            let none = try await server.send(.GET, "/v1.0/users/\(ada)/manager", token: admin)
            #expect(none.status == 404 && none.errorCode == "Request_ResourceNotFound")

            let set = try await server.send(.PUT, "/v1.0/users/\(ada)/manager/$ref", token: admin,
                                            json: ["@odata.id": "https://graph.microsoft.com/v1.0/users/\(grace)"])
            #expect(set.status == 204, "\(set.text)")
            let manager = try await server.send(.GET, "/v1.0/users/\(ada)/manager", token: admin)
            #expect(manager["id"] as? String == grace && manager["@odata.type"] as? String == "#microsoft.graph.user")
            #expect((manager["@odata.context"] as? String)?.hasSuffix("$metadata#directoryObjects/$entity") == true)
            #expect(try await server.send(.GET, "/v1.0/users/ada@graphsync.local/manager", token: admin).status == 200, "by user principal name too")

            let selfManaged = try await server.send(.PUT, "/v1.0/users/\(ada)/manager/$ref", token: admin,
                                                    json: ["@odata.id": "https://graph.microsoft.com/v1.0/users/\(ada)"])
            #expect(selfManaged.status == 400)
            let group = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": "Team", "mailNickname": "team", "mailEnabled": false, "securityEnabled": true,
            ])
            let notAUser = try await server.send(.PUT, "/v1.0/users/\(ada)/manager/$ref", token: admin,
                                                 json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(group["id"] as? String ?? "")"])
            #expect(notAUser.status == 400 && notAUser.errorMessage?.contains("existing user") == true)
            let reader = try await server.mint(server.userGrant(scopes: ["User.Read.All"], wids: []))
            #expect(try await server.send(.PUT, "/v1.0/users/\(ada)/manager/$ref", token: reader,
                                          json: ["@odata.id": "https://graph.microsoft.com/v1.0/users/\(grace)"]).status == 403)
            #expect(try await server.send(.GET, "/v1.0/users/\(ada)/manager", token: reader).status == 200)

            // A deleted manager is no manager; restoring them brings the relationship back.
            #expect(try await server.send(.DELETE, "/v1.0/users/\(grace)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/users/\(ada)/manager", token: admin).status == 404)
            #expect(try await server.send(.POST, "/v1.0/directory/deletedItems/\(grace)/restore", token: admin).status == 200)
            #expect(try await server.send(.GET, "/v1.0/users/\(ada)/manager", token: admin).status == 200)

            #expect(try await server.send(.DELETE, "/v1.0/users/\(ada)/manager/$ref", token: admin).status == 204)
            #expect(try await server.send(.DELETE, "/v1.0/users/\(ada)/manager/$ref", token: admin).status == 404)
        }
    }
}
