import Foundation
import GraphSyncCore
import NIOHTTP1

extension ProtocolChecks {
    static let groupChecks: [(String, String)] = [
        ("groups.create", "POST /Groups"), ("groups.create-duplicate", "duplicate displayName refused"), ("groups.members-add", "add members"),
        ("groups.filter-displayname", "filter on displayName without members"), ("groups.paging", "startIndex and count page through groups"),
        ("groups.members-remove", "remove members"),
        ("groups.rename", "rename"), ("groups.delete", "delete"), ("groups.delete-twice", "delete twice"),
    ]

    var groupName: String { "\(self.tag) Validation group" }

    func groupBody(_ name: String, externalId: String? = nil) -> JSONValue {
        self.dialect.createBody(
            schema: SCIMDialect.groupSchema, values: [("displayName", .string(name)), ("externalId", .string(externalId ?? "\(self.tag)-group"))])
    }

    func readGroup(_ id: String) async throws -> JSONValue { try await self.read("Groups", id) }

    func patchGroup(_ id: String, _ operations: [JSONValue], _ what: String) async throws {
        try await self.patch("Groups", id, operations, what)
    }

    func memberIds(_ group: JSONValue) -> [String] { group["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? [] }

    func runGroupChecks() async {
        let run = self.run
        var created: String?
        await run.check("groups.create", "POST /Groups in Entra's shape (no members) creates the group") {
            let response = try await self.probe.send(.POST, "Groups", body: self.groupBody(self.groupName))
            self.observe(response)
            try Expect.status(response, [201], "201 Created with the new group")
            guard let id = response.id, !id.isEmpty else { throw Deviation(answered: "201 without an id", expected: "the new group's id") }
            self.created.groups.append(id)
            created = id
        }
        guard let id = created else {
            for (check, title) in Self.groupChecks.dropFirst() { run.skip(check, title, because: "needs groups.create") }
            return
        }
        await run.check("groups.create-duplicate", "a second group with the same displayName is refused with 409") {
            let response = try await self.probe.send(.POST, "Groups", body: self.groupBody(self.groupName))
            // A duplicate the app accepted is deleted at once, so that it does not fail the checks that follow as well.
            if let duplicate = response.id, (200..<300).contains(response.status), (try? await self.probe.delete(SCIMProbe.path("Groups", duplicate))) == nil {
                self.created.groups.append(duplicate)
            }
            try Expect.status(response, [409], "409 Conflict: Entra matches groups by displayName, so it must be unique")
        }
        // Members: a user made for the group checks.
        var member: String?
        await run.check("groups.members-add", "PATCH adds members (\(self.dialect.rawValue) shape)") {
            let user = try await self.createUser("member")
            member = user
            try await self.patchGroup(id, self.dialect.memberOperations(added: [user], removed: []), "add a member")
            let members = self.memberIds(try await self.readGroup(id))
            try Expect.that(members.contains(user), answered: "members \(members) afterwards", expected: "the member \(user)")
        }
        await run.check("groups.filter-displayname", "filter displayName eq with excludedAttributes=members finds the group without members") {
            let response = try await self.probe.filter("Groups", "displayName", self.groupName)
            self.observe(response)
            try Expect.status(response, [200], "200 with a ListResponse")
            let ids = response.resources.compactMap { $0["id"]?.stringValue }
            try Expect.that(ids == [id], answered: "\(ids.count) groups", expected: "exactly the group \(id)")
            let members = response.resources.first?["members"]?.arrayValue ?? []
            try Expect.that(members.isEmpty, answered: "the group with \(members.count) members despite excludedAttributes=members",
                            expected: "no members attribute: Entra never reads member lists back")
        }
        await run.check("groups.paging", "startIndex and count page through groups") {
            let response = try await self.probe.send(.POST, "Groups", body: self.groupBody("\(self.tag) Validation group 2", externalId: "\(self.tag)-group-2"))
            try Expect.status(response, [201], "201 Created for a second group")
            if let second = response.id { self.created.groups.append(second) }
            try await self.expectPaging("Groups")
        }
        await run.check("groups.members-remove", "PATCH removes members (\(self.dialect.rawValue) shape)") {
            guard let member else { throw NotApplicable(reason: "needs groups.members-add") }
            try await self.patchGroup(id, self.dialect.memberOperations(added: [], removed: [member]), "remove a member")
            let members = self.memberIds(try await self.readGroup(id))
            try Expect.that(!members.contains(member), answered: "members \(members) afterwards", expected: "the member \(member) removed")
        }
        await run.check("groups.rename", "PATCH replaces displayName") {
            let name = "\(self.tag) Renamed group"
            try await self.patchGroup(id, self.dialect.updateOperations([("displayName", .string(name))]), "rename")
            try Self.expectValue(try await self.readGroup(id)["displayName"], name, "displayName")
        }
        await self.runDeleteChecks("Groups", id, what: "group")
    }
}
