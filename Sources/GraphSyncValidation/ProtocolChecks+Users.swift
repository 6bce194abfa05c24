import Foundation
import GraphSyncCore
import NIOHTTP1

extension ProtocolChecks {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let managerPath = "\(enterprise):manager"

    /// The attributes of a test user, as Entra's default mapping would send them.
    func userValues(_ name: String) -> [(String, JSONValue)] {
        [
            ("userName", .string(self.userName(name))), ("active", .bool(true)), ("displayName", .string("Validation \(name)")),
            ("emails[type eq \"work\"].value", .string(self.userName(name))), ("name.givenName", .string("Validation")),
            ("name.familyName", .string(name)), ("title", .string("Engineer")), ("externalId", .string("\(self.tag)-\(name)")),
            ("\(Self.enterprise):department", .string("Research")),
        ]
    }

    func userName(_ name: String) -> String { "\(self.tag)-\(name)@validation.graphsync.test" }

    /// POSTs a test user; its id, or a deviation.
    func createUser(_ name: String) async throws -> String {
        let response = try await self.probe.send(.POST, "Users", body: self.dialect.createBody(schema: SCIMDialect.userSchema, values: self.userValues(name)))
        self.observe(response)
        try Expect.status(response, [201], "201 Created with the new user")
        guard let id = response.id, !id.isEmpty else { throw Deviation(answered: "201 without an id", expected: "the new user's id in the body") }
        self.created.users.append(id)
        return id
    }

    func readUser(_ id: String) async throws -> JSONValue { try await self.read("Users", id) }

    func patchUser(_ id: String, _ operations: [JSONValue], _ what: String) async throws {
        try await self.patch("Users", id, operations, what)
    }

    func runUserChecks() async {
        let run = self.run
        var main: String?
        await run.check("users.create", "POST /Users in Entra's shape creates the user") { main = try await self.createUser("ada") }
        guard let id = main else {
            for (check, title) in Self.userChecks.dropFirst() { run.skip(check, title, because: "needs users.create") }
            return
        }
        await run.check("users.create-duplicate", "a second POST with the same userName is refused with 409") {
            let response = try await self.probe.send(.POST, "Users", body: self.dialect.createBody(schema: SCIMDialect.userSchema, values: self.userValues("ada")))
            // A duplicate the app accepted is deleted at once, so that it does not fail the checks that follow as well.
            if let duplicate = response.id, (200..<300).contains(response.status), (try? await self.probe.delete(SCIMProbe.path("Users", duplicate))) == nil {
                self.created.users.append(duplicate)
            }
            try Expect.status(response, [409], "409 Conflict (scimType uniqueness): userName is unique")
        }
        await run.check("users.get", "GET /Users/{id} returns the user as sent") {
            let user = try await self.readUser(id)
            try Expect.that(user["userName"]?.stringValue?.lowercased() == self.userName("ada").lowercased(),
                            answered: "userName \(user["userName"].map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "missing")",
                            expected: "userName \(self.userName("ada"))")
            try Expect.that(Self.isTrue(user["active"]), answered: "active \(Self.text(user["active"]))", expected: "active true")
        }
        await run.check("users.filter-username", "filter userName eq finds exactly the user") {
            try await self.expectOne("Users", "userName", self.userName("ada"), id: id)
        }
        await run.check("users.filter-username-case", "filter userName eq is case-insensitive") {
            try await self.expectOne("Users", "userName", self.userName("ada").uppercased(), id: id)
        }
        await run.check("users.filter-externalid", "filter externalId eq finds exactly the user") {
            try await self.expectOne("Users", "externalId", "\(self.tag)-ada", id: id)
        }
        var others: [String] = []
        await run.check("users.paging", "startIndex and count page through users") {
            for name in ["grace", "lin"] { others.append(try await self.createUser(name)) }
            try await self.expectPaging("Users")
        }
        await run.check("users.patch-replace", "PATCH replaces several attributes (\(self.dialect.rawValue) shape)") {
            try await self.patchUser(id, self.dialect.updateOperations([
                ("displayName", .string("Ada Lovelace")), ("name.givenName", .string("Ada")), ("\(Self.enterprise):department", .string("Engines")),
            ]), "replace attributes")
            let user = try await self.readUser(id)
            try Self.expectValue(user["displayName"], "Ada Lovelace", "displayName")
            try Self.expectValue(user["name"]?["givenName"], "Ada", "name.givenName")
            try Self.expectValue(user[Self.enterprise]?["department"], "Engines", "\(Self.enterprise):department")
        }
        await run.check("users.patch-filtered-path", "PATCH replaces emails[type eq \"work\"].value") {
            let address = "\(self.tag)-ada.lovelace@validation.graphsync.test"
            try await self.patchUser(id, self.dialect.updateOperations([("emails[type eq \"work\"].value", .string(address))]), "replace a filtered path")
            let user = try await self.readUser(id)
            let work = user["emails"]?.arrayValue?.first { $0["type"]?.stringValue == "work" }
            try Self.expectValue(work?["value"], address, "emails[type eq \"work\"].value")
        }
        await run.check("users.patch-add", "PATCH adds an attribute the user did not have") {
            try await self.patchUser(id, self.dialect.addOperations([("nickName", .string("Countess"))]), "add an attribute")
            try Self.expectValue(try await self.readUser(id)["nickName"], "Countess", "nickName")
        }
        await run.check("users.update-empty", "PATCH with an empty value leaves the attribute empty (Null_Update)") {
            try await self.patchUser(id, self.dialect.updateOperations([("title", .string(""))]), "replace with an empty value")
            let title = try await self.readUser(id)["title"]
            try Expect.that(title == nil || title == .null || title == .string(""), answered: "title \(Self.text(title)) afterwards", expected: "title empty or absent")
        }
        await run.check("users.patch-remove", "PATCH Remove clears an attribute") {
            try await self.patchUser(id, self.dialect.updateOperations([("title", .string("Analyst"))]), "set title")
            try await self.patchUser(id, [.object([("op", self.dialect.op("remove")), ("path", .string("title"))])], "remove an attribute")
            let title = try await self.readUser(id)["title"]
            try Expect.that(title == nil || title == .null, answered: "title \(Self.text(title)) afterwards", expected: "title removed")
        }
        await run.check("users.disable", "PATCH active false disables the user and it is still returned") {
            try await self.patchUser(id, self.dialect.disableOperations(), "disable")
            let user = try await self.readUser(id)
            try Expect.that(Self.isFalse(user["active"]), answered: "active \(Self.text(user["active"])) afterwards", expected: "active false")
        }
        await run.check("users.enable", "PATCH active true enables the user again") {
            try await self.patchUser(id, self.dialect.updateOperations([("active", .bool(true))]), "enable")
            let user = try await self.readUser(id)
            try Expect.that(Self.isTrue(user["active"]), answered: "active \(Self.text(user["active"])) afterwards", expected: "active true")
        }
        await self.runManagerChecks(id, others)
        await self.runDeleteChecks("Users", id, what: "user")
    }

    func runManagerChecks(_ id: String, _ others: [String]) async {
        guard others.count == 2 else {
            for check in ["users.manager-add", "users.manager-change", "users.manager-remove"] {
                self.run.skip(check, "the manager reference", because: "needs the users of users.paging")
            }
            return
        }
        await self.run.check("users.manager-add", "PATCH sets the manager (\(self.dialect.isEntra ? "a bare string" : "a complex value"))") {
            try await self.patchUser(id, self.dialect.referenceOperations(set: [(Self.managerPath, others[0])], removed: []), "set the manager")
            try await self.expectManager(id, others[0])
        }
        await self.run.check("users.manager-change", "PATCH changes the manager") {
            try await self.patchUser(id, self.dialect.referenceOperations(set: [(Self.managerPath, others[1])], removed: []), "change the manager")
            try await self.expectManager(id, others[1])
        }
        await self.run.check("users.manager-remove", "PATCH Remove clears the manager") {
            try await self.patchUser(id, self.dialect.referenceOperations(set: [], removed: [Self.managerPath]), "remove the manager")
            try await self.expectManager(id, nil)
        }
    }

    func expectManager(_ id: String, _ manager: String?) async throws {
        let value = try await self.readUser(id)[Self.enterprise]?["manager"]
        let actual = value?["value"]?.stringValue ?? value?.stringValue
        let empty = actual == nil || actual == ""
        try Expect.that(manager.map { actual == $0 } ?? empty, answered: "manager \(Self.text(value)) afterwards",
                        expected: manager.map { "manager.value \"\($0)\"" } ?? "no manager")
    }

    static let userChecks: [(String, String)] = [
        ("users.create", "POST /Users in Entra's shape creates the user"), ("users.create-duplicate", "a duplicate userName is refused with 409"),
        ("users.get", "GET /Users/{id} returns the user as sent"), ("users.filter-username", "filter userName eq finds exactly the user"),
        ("users.filter-username-case", "filter userName eq is case-insensitive"), ("users.filter-externalid", "filter externalId eq finds exactly the user"),
        ("users.paging", "startIndex and count page through users"), ("users.patch-replace", "PATCH replaces several attributes"),
        ("users.patch-filtered-path", "PATCH replaces emails[type eq \"work\"].value"), ("users.patch-add", "PATCH adds an attribute"),
        ("users.update-empty", "PATCH with an empty value leaves the attribute empty"), ("users.patch-remove", "PATCH Remove clears an attribute"),
        ("users.disable", "PATCH active false disables the user"), ("users.enable", "PATCH active true enables the user"),
        ("users.manager-add", "PATCH sets the manager"), ("users.manager-change", "PATCH changes the manager"),
        ("users.manager-remove", "PATCH Remove clears the manager"), ("users.delete", "DELETE removes the user"),
        ("users.delete-twice", "a second DELETE answers 404"),
    ]
}
