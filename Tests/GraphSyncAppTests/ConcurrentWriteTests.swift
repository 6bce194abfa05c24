import Foundation
import GraphSyncCore
import Testing

/// Concurrent read-modify-writes of one object over HTTP: each runs in one transaction, so none is lost or undone.
@Suite struct ConcurrentWriteTests {
    func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> TestServer.Reply) async throws -> [TestServer.Reply] {
        try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
            for index in 0..<count { group.addTask { try await body(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func parallelAddPasswordsAreAllKeptAndAllWork() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let created = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "busy"])
            let (id, appId) = (try #require(created["id"] as? String), try #require(created["appId"] as? String))
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId]).status == 201)
            let replies = try await self.concurrently(10) { index in
                try await server.send(.POST, "/v1.0/applications/\(id)/addPassword", token: admin, json: ["passwordCredential": ["displayName": "p\(index)"]])
            }
            #expect(replies.allSatisfy { $0.status == 200 })
            let stored = try #require(try await server.runtime.repositories.applications.get(id: id))
            #expect(stored.passwordCredentials.count == 10)
            for reply in replies {
                let secret = try #require(reply["secretText"] as? String)
                _ = try await server.token(clientId: appId, secret: secret)  // every returned secret signs in
            }
        }
    }

    @Test func aRemovedPasswordStaysRemovedWhilePatchesRace() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let created = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "racy"])
            let id = try #require(created["id"] as? String)
            var keyIds: [String] = []
            for index in 0..<5 {
                let reply = try await server.send(.POST, "/v1.0/applications/\(id)/addPassword", token: admin, json: ["passwordCredential": ["displayName": "k\(index)"]])
                keyIds.append(try #require(reply["keyId"] as? String))
            }
            let removals = keyIds
            let replies = try await self.concurrently(15) { index in
                if index < 5 {
                    return try await server.send(.POST, "/v1.0/applications/\(id)/removePassword", token: admin, json: ["keyId": removals[index]])
                }
                return try await server.send(.PATCH, "/v1.0/applications/\(id)", token: admin, json: ["notes": "note \(index)"])
            }
            #expect(replies.allSatisfy { $0.status == 204 }, "\(replies.map(\.status))")
            let stored = try #require(try await server.runtime.repositories.applications.get(id: id))
            #expect(stored.passwordCredentials.isEmpty, "a PATCH brought back a removed secret")
            #expect(stored.notes?.hasPrefix("note ") == true)
        }
    }

    @Test func patchesOfDifferentPropertiesAreAllKept() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let user = try await server.runtime.createUser(userPrincipalName: "kim@graphsync.local", displayName: "Kim", password: "Kim-Pass-1234", roles: [])
            let properties = ["jobTitle", "givenName", "surname", "mail"]
            let replies = try await self.concurrently(properties.count) { index in
                let value = properties[index] == "mail" ? "kim@example.test" : "value-\(index)"
                return try await server.send(.PATCH, "/v1.0/users/\(user.id)", token: admin, json: [properties[index]: value])
            }
            #expect(replies.allSatisfy { $0.status == 204 })
            let stored = try #require(try await server.runtime.repositories.users.get(id: user.id))
            #expect(stored.jobTitle == "value-0" && stored.givenName == "value-1" && stored.surname == "value-2" && stored.mail == "kim@example.test")
        }
    }

    /// Each PUT replaces the whole set: parallel PUTs leave exactly one of the sets, whole and in its order, never a mix.
    @Test func parallelSecretWritesLeaveOneWholeSet() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            let keys: [SynchronizationSecretKey] = [.syncAll, .hardDeletesEnabled, .skipOutOfScopeDeletions, .instanceName, .companyId, .domain]
            let replies = try await self.concurrently(6) { index in
                // Writer i sends all six keys, rotated by i, each with the value "v{i}".
                let rotated = Array(keys[index...] + keys[..<index])
                return try await server.send(.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets", token: admin,
                                             json: ["value": rotated.map { ["key": $0.rawValue, "value": "v\(index)"] }])
            }
            #expect(replies.allSatisfy { $0.status == 204 })
            let stored = try await server.runtime.repositories.synchronizationSecrets.secrets(of: sp.id)
            let winner = try #require(stored[.syncAll].flatMap { Int($0.dropFirst()) })
            #expect(Set(stored.values.values) == ["v\(winner)"], "\(stored.values)")
            #expect(stored.keys == Array(keys[winner...] + keys[..<winner]))
        }
    }

    @Test func servicePrincipalGroupOwnerAndJobWritersLoseNothing() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            // Service principal: passwords added in parallel with PATCHes.
            let spReplies = try await self.concurrently(8) { index in
                index % 2 == 0
                    ? try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/addPassword", token: admin, json: ["passwordCredential": ["displayName": "p\(index)"]])
                    : try await server.send(.PATCH, "/v1.0/servicePrincipals/\(sp.id)", token: admin, json: ["notes": "n\(index)"])
            }
            #expect(spReplies.allSatisfy { $0.status == 200 || $0.status == 204 })
            #expect(try await server.runtime.repositories.servicePrincipals.get(id: sp.id)?.passwordCredentials.count == 4)

            // Group: members added in parallel with PATCHes of its properties.
            let group = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": "team", "mailNickname": "team", "mailEnabled": false, "securityEnabled": true,
            ])
            let groupId = try #require(group["id"] as? String)
            var userIds: [String] = []
            for index in 0..<6 {
                userIds.append(try await server.runtime.createUser(
                    userPrincipalName: "m\(index)@graphsync.local", displayName: "M\(index)", password: "Member-Pass-\(index)1", roles: []).id)
            }
            let members = userIds
            let groupReplies = try await self.concurrently(8) { index in
                if index < 6 {
                    return try await server.send(.POST, "/v1.0/groups/\(groupId)/members/$ref", token: admin,
                                                 json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(members[index])"])
                }
                return try await server.send(.PATCH, "/v1.0/groups/\(groupId)", token: admin, json: index == 6 ? ["description": "d"] : ["displayName": "team 2"])
            }
            #expect(groupReplies.allSatisfy { $0.status == 204 }, "\(groupReplies.map(\.status))")
            #expect(try await server.runtime.repositories.groups.members(of: groupId).count == 6)
            let stored = try #require(try await server.runtime.repositories.groups.get(id: groupId))
            #expect(stored.description == "d" && stored.displayName == "team 2")

            // Owners added in parallel.
            let ownerReplies = try await self.concurrently(4) { index in
                try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/owners/$ref", token: admin,
                                      json: ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(members[index])"])
            }
            #expect(ownerReplies.allSatisfy { $0.status == 204 })
            #expect(try await server.runtime.repositories.owners.ownerIds(of: sp.id).count == 4)

            // A job paused while its schema is replaced: both changes are kept.
            let job = try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs", token: admin, json: ["templateId": "scim"])
            let jobId = try #require(job["id"] as? String)
            let base = "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs/\(jobId)"
            let schema = try await server.send(.GET, "\(base)/schema", token: admin)
            let jobReplies = try await self.concurrently(2) { index in
                index == 0
                    ? try await server.send(.POST, "\(base)/pause", token: admin)
                    : try await server.send(.PUT, "\(base)/schema", token: admin, body: String(decoding: schema.body, as: UTF8.self))
            }
            #expect(jobReplies.allSatisfy { $0.status == 204 }, "\(jobReplies.map(\.text))")
            let storedJob = try #require(try await server.runtime.repositories.jobs.get(id: jobId))
            #expect(storedJob.schedule.state == "Paused")
            #expect(storedJob.schema.version != (schema["version"] as? String))
        }
    }
}

