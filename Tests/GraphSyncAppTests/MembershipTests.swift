import Foundation
import GraphSyncCore
import Testing

/// Membership functions as Azure CLI (`az ad group member check`, `az ad user get-member-groups`) and Terraform's
/// `azuread_group` (`groups/{id}/memberOf`) call them, over nested groups with a cycle.
@Suite struct MembershipTests {
    /// ada ∈ engineers ∈ everyone (a Microsoft 365 group, not security-enabled) ∈ staff, and staff ∈ engineers (a cycle).
    struct Directory {
        let ada: String, grace: String, engineers: String, everyone: String, staff: String
    }

    func directory(_ server: TestServer, _ admin: String) async throws -> Directory {
        func user(_ name: String) async throws -> String {
            let created = try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": name, "mailNickname": name, "userPrincipalName": "\(name)@graphsync.test",
                "passwordProfile": ["password": "Passw0rd!\(name)"],
            ])
            return try #require(created["id"] as? String, "\(created.text)")
        }
        func group(_ name: String, security: Bool = true) async throws -> String {
            let created = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": name, "mailNickname": name, "mailEnabled": !security, "securityEnabled": security,
                "groupTypes": security ? [] : ["Unified"],
            ])
            return try #require(created["id"] as? String, "\(created.text)")
        }
        let directory = Directory(
            ada: try await user("ada"), grace: try await user("grace"), engineers: try await group("engineers"),
            everyone: try await group("everyone", security: false), staff: try await group("staff"))
        for (member, group) in [(directory.ada, directory.engineers), (directory.engineers, directory.everyone), (directory.everyone, directory.staff),
                                (directory.staff, directory.engineers)] {
            let added = try await server.send(.POST, "/v1.0/groups/\(group)/members/$ref", token: admin, json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(member)"])
            #expect(added.status == 204, "\(added.text)")
        }
        return directory
    }

    func ids(_ reply: TestServer.Reply) -> Set<String> {
        Set((reply["value"] as? [Any])?.compactMap { ($0 as? [String: Any])?["id"] as? String ?? $0 as? String } ?? [])
    }

    @Test func directAndTransitiveMembershipFollowNestingAndStopAtCycles() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let d = try await self.directory(server, admin)
            let memberOf = try await server.send(.GET, "/v1.0/users/\(d.ada)/memberOf", token: admin)
            #expect(memberOf.status == 200 && self.ids(memberOf) == [d.engineers], "\(memberOf.text)")
            #expect((memberOf["@odata.context"] as? String)?.hasSuffix("$metadata#directoryObjects") == true)
            #expect(((memberOf["value"] as? [[String: Any]])?.first?["@odata.type"] as? String) == "#microsoft.graph.group")
            let transitive = try await server.send(.GET, "/v1.0/users/ada@graphsync.test/transitiveMemberOf", token: admin)
            #expect(self.ids(transitive) == [d.engineers, d.everyone, d.staff], "\(transitive.text)")
            // Terraform's azuread_group reads the group's own memberships.
            #expect(self.ids(try await server.send(.GET, "/v1.0/groups/\(d.everyone)/memberOf", token: admin)) == [d.staff])
            let members = try await server.send(.GET, "/v1.0/groups/\(d.staff)/transitiveMembers", token: admin)
            #expect(self.ids(members) == [d.everyone, d.engineers, d.ada], "\(members.text)")
            #expect(self.ids(try await server.send(.GET, "/v1.0/users/\(d.grace)/memberOf", token: admin)).isEmpty)
            // The wrong collection for the id, and an unknown id: not found.
            #expect(try await server.send(.GET, "/v1.0/groups/\(d.ada)/memberOf", token: admin).status == 404)
            #expect(try await server.send(.GET, "/v1.0/users/\(UUID().uuidString.lowercased())/memberOf", token: admin).status == 404)
        }
    }

    @Test func checkAndGetMemberGroupsAnswerStringCollections() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let d = try await self.directory(server, admin)
            // `az ad group member check` posts to the member's directoryObjects path.
            let unknown = UUID().uuidString.lowercased()
            let check = try await server.send(.POST, "/v1.0/directoryObjects/\(d.ada)/checkMemberGroups", token: admin, json: ["groupIds": [d.staff, unknown]])
            #expect(check.status == 200 && self.ids(check) == [d.staff], "\(check.text)")
            #expect((check["@odata.context"] as? String)?.hasSuffix("$metadata#Collection(Edm.String)") == true)
            #expect(self.ids(try await server.send(.POST, "/v1.0/users/\(d.grace)/checkMemberObjects", token: admin, json: ["ids": [d.staff]])).isEmpty)
            let tooMany = try await server.send(.POST, "/v1.0/users/\(d.ada)/checkMemberGroups", token: admin, json: ["groupIds": (0..<21).map { _ in unknown }])
            #expect(tooMany.status == 400, "\(tooMany.text)")
            // `az ad user get-member-groups`.
            let all = try await server.send(.POST, "/v1.0/users/\(d.ada)/getMemberGroups", token: admin, json: ["securityEnabledOnly": false])
            #expect(self.ids(all) == [d.engineers, d.everyone, d.staff], "\(all.text)")
            let security = try await server.send(.POST, "/v1.0/users/\(d.ada)/getMemberObjects", token: admin, json: ["securityEnabledOnly": true])
            #expect(self.ids(security) == [d.engineers, d.staff], "\(security.text)")
            #expect(try await server.send(.POST, "/v1.0/users/\(d.ada)/getMemberGroups", token: admin, json: [:]).status == 400)
            #expect(try await server.send(.POST, "/v1.0/users/\(d.ada)/getMemberGroups", token: admin, json: ["securityEnabledOnly": "no"]).status == 400)
        }
    }

    @Test func getByIdsReturnsReadableObjectsOfTheAskedTypes() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let d = try await self.directory(server, admin)
            let both = try await server.send(.POST, "/v1.0/directoryObjects/getByIds", token: admin, json: ["ids": [d.ada, d.staff, UUID().uuidString]])
            #expect(both.status == 200 && self.ids(both) == [d.ada, d.staff], "\(both.text)")
            let users = try await server.send(.POST, "/v1.0/directoryObjects/getByIds", token: admin, json: ["ids": [d.ada, d.staff], "types": ["user"]])
            #expect(self.ids(users) == [d.ada], "\(users.text)")
            #expect(try await server.send(.POST, "/v1.0/directoryObjects/getByIds", token: admin, json: ["ids": []]).status == 400)
        }
    }

    /// Membership lists groups: a caller that may read users but not groups is refused; one with groups only cannot
    /// read a user's memberships either (it may not read the user).
    @Test func membershipNeedsBothReadPermissions() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let d = try await self.directory(server, admin)
            let (_, usersOnlyApp, usersSecret) = try await server.runtime.createApplication(displayName: "users-only", permissions: [.userReadAll])
            let usersOnly = try await server.token(clientId: usersOnlyApp.appId, secret: usersSecret)
            #expect(try await server.send(.GET, "/v1.0/users/\(d.ada)/memberOf", token: usersOnly).status == 403)
            let (_, groupsOnlyApp, groupsSecret) = try await server.runtime.createApplication(displayName: "groups-only", permissions: [.groupMemberReadAll])
            let groupsOnly = try await server.token(clientId: groupsOnlyApp.appId, secret: groupsSecret)
            #expect(try await server.send(.GET, "/v1.0/groups/\(d.everyone)/memberOf", token: groupsOnly).status == 200)
            let hidden = try await server.send(.POST, "/v1.0/directoryObjects/\(d.ada)/checkMemberGroups", token: groupsOnly, json: ["groupIds": [d.staff]])
            #expect(hidden.status == 404 || hidden.status == 403, "\(hidden.text)")
        }
    }
}
