import Foundation
@testable import GraphSyncCore
import Testing

/// Each dialect's requests, byte for byte (docs/scim-dialects.md shows the same JSON).
@Suite struct SCIMDialectTests {
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    let userValues: [(String, JSONValue)] = [
        ("userName", .string("ada@contoso.test")), ("active", .bool(true)), ("displayName", .string("Ada")),
        ("emails[type eq \"work\"].value", .string("ada@contoso.test")), ("name.givenName", .string("Ada")),
    ]

    func text(_ value: JSONValue) -> String { String(decoding: value.serialized(), as: UTF8.self) }
    func text(_ values: [JSONValue]) -> String { self.text(.array(values)) }

    @Test func theTenantURLsFlagChoosesTheDialectAndIsNotSent() {
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim/v2?aadOptscim062020") == (.entraPatch2020, "https://app.test/scim/v2"))
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim/v2?AzureAdScimPatch062020") == (.entraPatch2020, "https://app.test/scim/v2"))
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim/v2?AzureAdScimPatch2017") == (.entra, "https://app.test/scim/v2"))
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim?tenant=7&aadOptscim062020") == (.entraPatch2020, "https://app.test/scim?tenant=7"))
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim/v2") == (.entra, "https://app.test/scim/v2"), "Entra's default, as Entra")
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim?tenant=7") == (.entra, "https://app.test/scim?tenant=7"))
        #expect(SCIMDialect.from(tenantURL: "https://app.test/scim/v2?graphsyncRfc7644") == (.rfc7644, "https://app.test/scim/v2"))
        let endpoint = SCIMEndpoint(baseAddress: "https://app.test/scim/v2/?aadOptscim062020", bearerToken: "t")
        #expect(endpoint.dialect == .entraPatch2020 && endpoint.baseAddress == "https://app.test/scim/v2")
    }

    @Test func entrasDefaultJob() {
        let dialect = SCIMDialect.entra
        #expect(self.text(dialect.createBody(schema: Self.user, values: self.userValues)) == #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@contoso.test","active":"True","displayName":"Ada","emails":[{"type":"work","value":"ada@contoso.test","primary":true}],"name":{"givenName":"Ada"},"meta":{"resourceType":"User"},"roles":[]}"#)
        #expect(self.text(dialect.updateOperations([("displayName", .string("Ada L")), ("active", .bool(true))])) == #"[{"op":"Replace","path":"displayName","value":"Ada L"},{"op":"Replace","path":"active","value":"True"}]"#)
        #expect(self.text(dialect.disableOperations()) == #"[{"op":"Replace","path":"active","value":"False"}]"#)
        #expect(self.text(dialect.memberOperations(added: ["u1"], removed: ["u2"])) == #"[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"}]},{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u2"}]}]"#)
        #expect(self.text(dialect.createBody(schema: Self.group, values: [("displayName", .string("Eng")), ("externalId", .string("g1"))])) == #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"displayName":"Eng","externalId":"g1","meta":{"resourceType":"Group"}}"#)
        #expect(dialect.excludesMembersOnGroupReads && dialect.createsGroupsEmpty)
    }

    @Test func entraWithTheAadOptscim062020Flag() {
        let dialect = SCIMDialect.entraPatch2020
        #expect(self.text(dialect.createBody(schema: Self.user, values: [("userName", .string("ada")), ("active", .bool(true))])) == #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada","active":"True","meta":{"resourceType":"User"},"roles":[]}"#)
        #expect(self.text(dialect.updateOperations(self.userValues)) == #"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"ada@contoso.test"},{"op":"replace","value":{"userName":"ada@contoso.test","active":true,"displayName":"Ada","name.givenName":"Ada"}}]"#)
        #expect(self.text(dialect.disableOperations()) == #"[{"op":"replace","path":"active","value":false}]"#)
        #expect(self.text(dialect.memberOperations(added: ["u1"], removed: ["u2"])) == #"[{"op":"add","path":"members","value":[{"$ref":null,"value":"u1"}]},{"op":"remove","path":"members[value eq \"u2\"]"}]"#)
    }

    @Test func rfc7644AsWritten() {
        let dialect = SCIMDialect.rfc7644
        #expect(self.text(dialect.createBody(schema: Self.user, values: [("userName", .string("ada")), ("active", .bool(true))])) == #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada","active":true}"#)
        #expect(self.text(dialect.updateOperations([("displayName", .string("Ada")), ("active", .bool(false))])) == #"[{"op":"replace","path":"displayName","value":"Ada"},{"op":"replace","path":"active","value":false}]"#)
        #expect(self.text(dialect.memberOperations(added: ["u1"], removed: ["u2"])) == #"[{"op":"add","path":"members","value":[{"value":"u1"}]},{"op":"remove","path":"members[value eq \"u2\"]"}]"#)
        #expect(!dialect.excludesMembersOnGroupReads && !dialect.createsGroupsEmpty)
    }

    /// The manager: a bare string with `Add` in both Entra modes (the 2020 flag leaves it alone), a complex value in RFC.
    @Test func theManagerReferenceInEachDialect() {
        let path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
        #expect(self.text(SCIMDialect.entra.referenceOperations(set: [(path, "m1")], removed: [])) == #"[{"op":"Add","path":"\#(path)","value":"m1"}]"#)
        #expect(self.text(SCIMDialect.entraPatch2020.referenceOperations(set: [(path, "m1")], removed: [])) == #"[{"op":"add","path":"\#(path)","value":"m1"}]"#)
        #expect(self.text(SCIMDialect.rfc7644.referenceOperations(set: [(path, "m1")], removed: [])) == #"[{"op":"replace","path":"\#(path)","value":{"value":"m1"}}]"#)
        #expect(self.text(SCIMDialect.entra.referenceOperations(set: [], removed: [path])) == #"[{"op":"Remove","path":"\#(path)"}]"#)
        #expect(self.text(SCIMDialect.rfc7644.referenceOperations(set: [], removed: [path])) == #"[{"op":"remove","path":"\#(path)"}]"#)
    }
}
