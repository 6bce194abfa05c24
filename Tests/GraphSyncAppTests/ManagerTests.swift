import Foundation
import Testing

/// A user's manager as Graph has it: `PUT …/manager/$ref`, `GET …/manager`, `DELETE …/manager/$ref`.
@Suite struct ManagerTests {
    /// A user named `name` (`name@graphsync.local`), created through Graph; its id.
    static func createUser(_ name: String, on server: TestServer, token: String) async throws -> String {
        let created = try await server.send(.POST, "/v1.0/users", token: token, json: [
            "accountEnabled": true, "displayName": name, "mailNickname": name, "userPrincipalName": "\(name)@graphsync.local",
            "passwordProfile": ["password": "Str0ng!Passw0rd"],
        ])
        return try #require(created["id"] as? String, "\(created.text)")
    }

    @Test func aManagerIsSetReadAndRemoved() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            func user(_ name: String) async throws -> String { try await Self.createUser(name, on: server, token: admin) }
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

    /// The other side and the navigation: `GET …/directReports`, and `$expand=manager` / `$expand=directReports` (with a
    /// nested `$select`) on one user and on a list.
    @Test func directReportsAndExpandedManagers() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            func user(_ name: String) async throws -> String { try await Self.createUser(name, on: server, token: admin) }
            let boss = try await user("boss")
            let ada = try await user("ada")
            let lin = try await user("lin")
            for report in [ada, lin] {
                #expect(try await server.send(.PUT, "/v1.0/users/\(report)/manager/$ref", token: admin,
                                              json: ["@odata.id": "https://graph.microsoft.com/v1.0/users/\(boss)"]).status == 204)
            }
            let reports = try await server.send(.GET, "/v1.0/users/\(boss)/directReports", token: admin)
            #expect(reports.status == 200 && (reports["@odata.context"] as? String)?.hasSuffix("$metadata#directoryObjects") == true)
            let listed = try #require(reports["value"] as? [[String: Any]])
            #expect(Set(listed.compactMap { $0["id"] as? String }) == [ada, lin])
            #expect(listed.allSatisfy { $0["@odata.type"] as? String == "#microsoft.graph.user" })
            let paged = try await server.send(.GET, "/v1.0/users/\(boss)/directReports?$top=1&$select=displayName", token: admin)
            #expect((paged["value"] as? [[String: Any]])?.first?.keys.sorted() == ["@odata.type", "displayName"])
            let next = try #require(paged["@odata.nextLink"] as? String)
            let rest = try await server.send(.GET, String(next[next.range(of: "/v1.0/")!.lowerBound...]), token: admin)
            #expect((rest["value"] as? [[String: Any]])?.count == 1 && rest["@odata.nextLink"] == nil)
            #expect((try await server.send(.GET, "/v1.0/users/\(ada)/directReports", token: admin)["value"] as? [Any])?.isEmpty == true)

            let expanded = try await server.send(.GET, "/v1.0/users/\(ada)?$select=id,displayName&$expand=manager($select=id,displayName)", token: admin)
            #expect(expanded.status == 200, "\(expanded.text)")
            let manager = try #require(expanded["manager"] as? [String: Any])
            #expect(manager["id"] as? String == boss && manager["displayName"] as? String == "boss" && manager["userPrincipalName"] == nil)
            #expect(manager["@odata.type"] as? String == "#microsoft.graph.user")
            #expect(expanded["userPrincipalName"] == nil, "the outer $select still applies")
            #expect((expanded["@odata.context"] as? String)?.hasSuffix("users(id,displayName,manager())/$entity") == true)
            let noManager = try await server.send(.GET, "/v1.0/users/\(boss)?$expand=manager", token: admin)
            #expect(noManager.status == 200 && noManager["manager"] == nil && noManager["userPrincipalName"] as? String == "boss@graphsync.local")
            let withReports = try await server.send(.GET, "/v1.0/users/\(boss)?$expand=directReports($select=id)", token: admin)
            #expect(Set((withReports["directReports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) == [ada, lin])

            let bosses = try await server.send(.GET, "/v1.0/users?$filter=startswith(displayName,'b')&$expand=directReports($select=id)", token: admin)
            let listedBoss = try #require((bosses["value"] as? [[String: Any]])?.first)
            #expect(Set((listedBoss["directReports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) == [ada, lin], "\(bosses.text)")
            let all = try await server.send(.GET, "/v1.0/users?$filter=startswith(displayName,'l')&$expand=manager", token: admin)
            let lins = try #require(all["value"] as? [[String: Any]])
            #expect(lins.count == 1 && (lins.first?["manager"] as? [String: Any])?["id"] as? String == boss)

            for bad in ["$expand=colleagues", "$expand=manager($levels=max)", "$expand=manager($select=id", "$expand=manager,manager"] {
                let refused = try await server.send(.GET, "/v1.0/users/\(ada)?\(bad)", token: admin)
                #expect(refused.status == 400 && refused.errorCode == "BadRequest", "\(bad): \(refused.text)")
            }
            #expect(try await server.send(.GET, "/v1.0/groups?$expand=members", token: admin).status == 400, "not expandable there")
            let reader = try await server.mint(server.userGrant(scopes: ["User.Read.All"], wids: []))
            #expect(try await server.send(.GET, "/v1.0/users/\(boss)/directReports", token: reader).status == 200)

            // `/me`: the signed-in user, with User.Read alone; an app-only token has none.
            let adaSelf = try await server.mint(server.userGrant(scopes: ["User.Read"], wids: [], objectId: ada))
            let me = try await server.send(.GET, "/v1.0/me?$select=id,userPrincipalName&$expand=manager($select=id)", token: adaSelf)
            #expect(me["id"] as? String == ada && me["userPrincipalName"] as? String == "ada@graphsync.local", "\(me.text)")
            #expect((me["manager"] as? [String: Any])?["id"] as? String == boss)
            // Related users are "inaccessible member objects" with User.Read alone: their id, every other property null.
            let myManager = try await server.send(.GET, "/v1.0/me/manager?$select=id,displayName,userPrincipalName", token: adaSelf)
            #expect(myManager["id"] as? String == boss && myManager["displayName"] is NSNull && myManager["userPrincipalName"] is NSNull, "\(myManager.text)")
            let expandedManager = try await server.send(.GET, "/v1.0/me?$expand=manager($select=id,displayName)", token: adaSelf)["manager"] as? [String: Any]
            #expect(expandedManager?["id"] as? String == boss && expandedManager?["displayName"] is NSNull)
            let bossSelf = try await server.mint(server.userGrant(scopes: ["User.Read"], wids: [], objectId: boss))
            let myReports = try #require(try await server.send(.GET, "/v1.0/me/directReports", token: bossSelf)["value"] as? [[String: Any]])
            #expect(myReports.count == 2 && myReports.allSatisfy { $0["id"] is String && $0["displayName"] is NSNull })
            // Nor can a filter tell what is hidden: which reports' mail starts with "a".
            let probing = try await server.send(.GET, "/v1.0/me/directReports?$filter=startswith(mail,'a')", token: bossSelf)
            #expect(probing.status == 403 && probing.errorCode == "Authorization_RequestDenied", "\(probing.text)")
            #expect(try await server.send(.GET, "/v1.0/me/directReports?$filter=id eq '\(ada)'", token: bossSelf).status == 200)
            #expect(try await server.send(.GET, "/v1.0/users/\(ada)", token: adaSelf).status == 403, "User.Read reaches only the signed-in user")
            let appOnly = try await server.send(.GET, "/v1.0/me", token: admin)
            #expect(appOnly.status == 400 && appOnly.errorMessage == "/me request is only valid with delegated authentication flow.")
            let unrelated = try await server.mint(server.userGrant(scopes: ["Application.Read.All"], wids: [], objectId: ada))
            #expect(try await server.send(.GET, "/v1.0/me", token: unrelated).status == 403)
            let nobody = try await server.mint(server.userGrant(scopes: ["Application.Read.All"], wids: []))
            #expect(try await server.send(.GET, "/v1.0/users/\(boss)/directReports", token: nobody).status == 403)
        }
    }
}
