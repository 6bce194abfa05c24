import Foundation
import GraphSyncCore
import NIOHTTP1

/// What a validation run created in the app, deleted again at the end.
final class CreatedResources {
    var users: [String] = []
    var groups: [String] = []
}

/// The direct protocol checks: requests in the chosen dialect sent straight to the app, as Microsoft's SCIM validator
/// and the gallery's direct SCIM tests send them (docs/research/scim-validation.md lists theirs).
final class ProtocolChecks {
    let probe: SCIMProbe
    let dialect: SCIMDialect
    let run: CheckRun
    /// Makes this run's names unique, so runs never collide with each other or with real data.
    let tag: String
    let created: CreatedResources
    /// Content types of the app's successful JSON answers, for `media-type`.
    private(set) var contentTypes: Set<String> = []

    init(probe: SCIMProbe, dialect: SCIMDialect, run: CheckRun, tag: String, created: CreatedResources) {
        self.probe = probe
        self.dialect = dialect
        self.run = run
        self.tag = tag
        self.created = created
    }

    static let count = 5 + userChecks.count + groupChecks.count + 2

    /// Notes what a successful JSON answer said it was.
    func observe(_ response: ProbeResponse) {
        guard (200..<300).contains(response.status), response.json != nil else { return }
        self.contentTypes.insert(response.contentType ?? "(none)")
    }

    static let connectionChecks: [(String, String)] = [
        ("auth.required", "a request without a token is refused with 401"),
        ("discovery.service-provider-config", "GET /ServiceProviderConfig says PATCH is supported"),
        ("discovery.resource-types", "GET /ResourceTypes lists User"),
        ("discovery.schemas", "GET /Schemas declares every attribute Entra's default mapping sends"),
    ]

    /// Runs every protocol check; `groups: false` skips the group checks (an app without groups). Returns false, with
    /// the rest skipped, when Test Connection could not reach the app at all.
    func runAll(groups: Bool) async -> Bool {
        await self.runTestConnection()
        guard !self.run.unreachable else {
            for (id, title) in Self.connectionChecks + Self.userChecks + Self.groupChecks + [Self.rateCheck, ("media-type", "media type")] {
                self.run.skip(id, title, because: "needs an app that answers (connection.test)")
            }
            return false
        }
        await self.runConnectionChecks()
        await self.runUserChecks()
        if groups {
            await self.runGroupChecks()
        } else {
            for (id, title) in Self.groupChecks { self.run.skip(id, title, because: "--no-groups") }
        }
        await self.runRateCheck()
        await self.run.check("media-type", "answers are application/scim+json (RFC 7644 §8.1)") {
            let other = self.contentTypes.filter { !$0.lowercased().hasPrefix("application/scim+json") }.sorted()
            try Expect.that(other.isEmpty, answered: "with Content-Type \(other.joined(separator: ", "))", expected: "Content-Type application/scim+json")
        }
        return true
    }

    /// Entra's Test Connection.
    func runTestConnection() async {
        await self.run.check("connection.test", "Test Connection: filter on a random userName answers 200 with no users") {
            let response = try await self.probe.filter("Users", "userName", UUID().uuidString.lowercased())
            self.observe(response)
            try Expect.status(response, [200], "200 with an empty ListResponse (a 404 here fails Test Connection)")
            try Expect.that(response.totalResults == 0 && response.resources.isEmpty,
                            answered: "totalResults \(response.totalResults.map(String.init) ?? "missing") with \(response.resources.count) resources",
                            expected: "totalResults 0 and no resources: the app must apply the filter")
        }
    }

    /// Authentication and discovery.
    func runConnectionChecks() async {
        await self.run.check("auth.required", Self.connectionChecks[0].1) {
            let response = try await self.probe.send(.GET, "Users", query: [("count", "1")], authorized: false)
            try Expect.status(response, [401, 403], "401 Unauthorized without a bearer token")
        }
        await self.run.check("discovery.service-provider-config", Self.connectionChecks[1].1) {
            let response = try await self.probe.get("ServiceProviderConfig")
            self.observe(response)
            try Expect.status(response, [200], "200 with the service provider configuration")
            try Expect.that(Self.isTrue(response.json?["patch"]?["supported"]), answered: "patch.supported \(Self.text(response.json?["patch"]?["supported"]))",
                            expected: "patch.supported true: Entra updates with PATCH")
        }
        await self.run.check("discovery.resource-types", Self.connectionChecks[2].1) {
            let response = try await self.probe.get("ResourceTypes")
            self.observe(response)
            try Expect.status(response, [200], "200 with the resource types")
            let names = Set((response.resources.isEmpty ? response.json?.arrayValue ?? [] : response.resources).compactMap { $0["name"]?.stringValue })
            try Expect.that(names.contains("User"), answered: "resource types \(names.sorted())", expected: "a User resource type")
        }
        await self.run.check("discovery.schemas", Self.connectionChecks[3].1) {
            let response = try await self.probe.get("Schemas")
            self.observe(response)
            try Expect.status(response, [200], "200 with the schemas (Schema_Discoverability)")
            let missing = Self.undeclared(Self.mappedUserAttributes, in: response.resources.isEmpty ? response.json?.arrayValue ?? [] : response.resources)
            try Expect.that(missing.isEmpty, answered: "schemas without \(missing.joined(separator: ", "))",
                            expected: "every mapped attribute declared in /Schemas")
        }
    }

    /// The attributes Entra's default user mapping targets, by schema: (schema, attribute, sub-attribute).
    static let mappedUserAttributes: [(String, String, String?)] = [
        (SCIMDialect.userSchema, "userName", nil), (SCIMDialect.userSchema, "active", nil), (SCIMDialect.userSchema, "displayName", nil),
        (SCIMDialect.userSchema, "name", "givenName"), (SCIMDialect.userSchema, "name", "familyName"), (SCIMDialect.userSchema, "emails", "value"),
        (SCIMDialect.userSchema, "title", nil), (SCIMDialect.userSchema, "externalId", nil), (enterprise, "department", nil), (enterprise, "manager", nil),
    ]

    /// The mapped attributes the schemas do not declare (`externalId` is common to all resources and may be absent).
    static func undeclared(_ attributes: [(String, String, String?)], in schemas: [JSONValue]) -> [String] {
        attributes.compactMap { schema, name, sub in
            if name == "externalId" { return nil }
            let path = sub.map { "\(name).\($0)" } ?? name
            guard let declared = schemas.first(where: { $0["id"]?.stringValue == schema })?["attributes"]?.arrayValue else { return "\(schema) (\(path))" }
            guard let attribute = declared.first(where: { $0["name"]?.stringValue?.lowercased() == name.lowercased() }) else { return path }
            guard let sub else { return nil }
            let subs = attribute["subAttributes"]?.arrayValue ?? []
            return subs.contains { $0["name"]?.stringValue?.lowercased() == sub.lowercased() } ? nil : path
        }
    }

    /// The resource as the app has it now.
    func read(_ resourceType: String, _ id: String) async throws -> JSONValue {
        let response = try await self.probe.get(SCIMProbe.path(resourceType, id))
        self.observe(response)
        try Expect.status(response, [200], "200 with the resource")
        return response.json ?? .null
    }

    /// PATCHes the resource; `what` says what the operations do, for the report.
    func patch(_ resourceType: String, _ id: String, _ operations: [JSONValue], _ what: String) async throws {
        let response = try await self.probe.patch(SCIMProbe.path(resourceType, id), operations)
        self.observe(response)
        try Expect.status(response, [200, 204], "200 or 204 to \(what): \(String(decoding: JSONValue.array(operations).serialized(), as: UTF8.self))")
    }

    /// `filter attribute eq value` returns exactly the resource `id`.
    func expectOne(_ resourceType: String, _ attribute: String, _ value: String, id: String) async throws {
        let response = try await self.probe.filter(resourceType, attribute, value)
        self.observe(response)
        try Expect.status(response, [200], "200 with a ListResponse for filter \(attribute) eq \"\(value)\"")
        let ids = response.resources.compactMap { $0["id"]?.stringValue }
        try Expect.that(ids == [id], answered: "\(ids.count) resources (totalResults \(response.totalResults.map(String.init) ?? "missing"))",
                        expected: "exactly the resource \(id) for filter \(attribute) eq \"\(value)\"")
    }

    /// Two pages of one resource each: different resources, `totalResults` counting both, `startIndex` echoed.
    func expectPaging(_ resourceType: String) async throws {
        var seen: [String] = []
        for index in 1...2 {
            var query = [("startIndex", "\(index)"), ("count", "1")]
            if resourceType == "Groups" { query.insert(("excludedAttributes", "members"), at: 0) }  // as Entra reads groups
            let response = try await self.probe.get(resourceType, query)
            self.observe(response)
            try Expect.status(response, [200], "200 for startIndex=\(index)&count=1")
            try Expect.that(response.resources.count == 1, answered: "\(response.resources.count) resources for startIndex=\(index)&count=1",
                            expected: "exactly 1 (count is the page size)")
            try Expect.that((response.totalResults ?? 0) >= 2, answered: "totalResults \(response.totalResults.map(String.init) ?? "missing")",
                            expected: "totalResults counting every resource, not the page")
            if let echoed = response.json?["startIndex"].flatMap(ProbeResponse.integer) {
                try Expect.that(echoed == index, answered: "startIndex \(echoed)", expected: "startIndex \(index) as asked")
            }
            seen += response.resources.compactMap { $0["id"]?.stringValue }
        }
        try Expect.that(Set(seen).count == 2, answered: "the same resource on pages 1 and 2", expected: "a different resource on each page")
    }

    /// DELETE answers 204 and the resource is gone; a second DELETE answers 404.
    func runDeleteChecks(_ resourceType: String, _ id: String, what: String) async {
        let prefix = resourceType.lowercased()
        await self.run.check("\(prefix).delete", "DELETE removes the \(what); GET then answers 404") {
            let response = try await self.probe.delete(SCIMProbe.path(resourceType, id))
            try Expect.status(response, [204, 200], "204 No Content")
            let after = try await self.probe.get(SCIMProbe.path(resourceType, id))
            try Expect.status(after, [404], "404 for the deleted \(what)")
        }
        await self.run.check("\(prefix).delete-twice", "a second DELETE of the \(what) answers 404") {
            let response = try await self.probe.delete(SCIMProbe.path(resourceType, id))
            try Expect.status(response, [404], "404 Not Found: the \(what) no longer exists")
        }
    }

    static func isTrue(_ value: JSONValue?) -> Bool { value == .bool(true) || value?.stringValue?.lowercased() == "true" }
    static func isFalse(_ value: JSONValue?) -> Bool { value == .bool(false) || value?.stringValue?.lowercased() == "false" }

    /// A value as the report shows it.
    static func text(_ value: JSONValue?) -> String {
        guard let value else { return "missing" }
        return String(String(decoding: value.serialized(), as: UTF8.self).prefix(160))
    }

    static func expectValue(_ value: JSONValue?, _ expected: String, _ name: String) throws {
        try Expect.that(value?.stringValue == expected, answered: "\(name) \(Self.text(value)) afterwards", expected: "\(name) \"\(expected)\"")
    }
}
