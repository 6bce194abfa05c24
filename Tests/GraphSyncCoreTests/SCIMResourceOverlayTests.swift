import Foundation
@testable import GraphSyncCore
import Testing

/// The PUT that stands in for a PATCH: the app's copy with the mapped values laid over it.
@Suite struct SCIMResourceOverlayTests {
    static func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test func mappedValuesReplaceKeepAndClearAsAPatchWould() throws {
        let current = try Self.json(#"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"7","meta":{"resourceType":"User"},"UserName":"ada",
             "roles":[{"value":"admin"}],"name":{"givenName":"A","familyName":"L"},
             "emails":[{"value":"ada@home.test","type":"home"},{"value":"ada@work.test","primary":true}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"},"department":"Engines"}}
            """#)
        let mapped = AttributeMapper.resource(schema: "urn:ietf:params:scim:schemas:core:2.0:User", values: [
            ("userName", .string("ada@contoso.test")), ("name.givenName", .string("Ada")),
            ("emails[type eq \"work\"].value", .string("ada@work.test")),
            ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", .null),
        ])
        let merged = SCIMResourceOverlay.overlay(current, with: mapped)
        #expect(merged["meta"] == nil, "read-only meta is left out")
        #expect(merged["UserName"] == .string("ada@contoso.test") && merged["userName"] == nil, "keys match case-insensitively")
        #expect(merged["roles"] == (try Self.json(#"[{"value":"admin"}]"#)), "what is not mapped is kept")
        // (Objects compared member by member: JSONValue.parse, through JSONSerialization, does not keep key order.)
        #expect(merged["name"]?["givenName"] == .string("Ada") && merged["name"]?["familyName"] == .string("L") && merged["name"]?.objectValue?.count == 2,
                "objects merge member by member")
        let emails = try #require(merged["emails"]?.arrayValue)
        #expect(emails.count == 2, "the untyped work address is the mapped one, not a second copy: \(emails)")
        #expect(emails.filter { $0["primary"] == .bool(true) }.count == 1)
        #expect(emails.contains { $0["type"] == .string("home") && $0["primary"] == nil })
        let enterprise = merged["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]
        #expect(enterprise?["manager"] == nil && enterprise?["department"] == .string("Engines"), "null clears, the rest stays")
        #expect(merged["schemas"]?.arrayValue == [.string("urn:ietf:params:scim:schemas:core:2.0:User"),
                                                  .string("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")], "joined without repeats")
    }

    @Test func aTypedEntryThatIsNewIsAddedAndTakesThePrimary() throws {
        let current = try Self.json(#"{"emails":[{"value":"a@home.test","type":"home","primary":true}]}"#)
        let mapped = try Self.json(#"{"emails":[{"type":"work","value":"a@work.test","primary":true}]}"#)
        let emails = try #require(SCIMResourceOverlay.overlay(current, with: mapped)["emails"]?.arrayValue)
        #expect(emails.count == 2)
        #expect(emails.first { $0["type"] == .string("home") }?["primary"] == nil)
        #expect(emails.first { $0["type"] == .string("work") }?["primary"] == .bool(true))
    }

    @Test func appStatusesBecomeBoundedLabels() {
        #expect(Telemetry.statusLabel(201) == "201" && Telemetry.statusLabel(429) == "429")
        #expect(Telemetry.statusLabel(418) == "4xx" && Telemetry.statusLabel(599) == "5xx")
        #expect(Telemetry.statusLabel(nil) == "none" && Telemetry.statusLabel(999) == "other" && Telemetry.statusLabel(-1) == "other")
    }
}
