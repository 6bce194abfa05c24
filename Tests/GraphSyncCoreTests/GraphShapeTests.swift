import GraphSyncCore
import Testing

/// Graph's metadata as GraphSync reads it, and the shapes it implies.
@Suite struct GraphShapeTests {
    let shape = GraphShape()

    @Test func theMetadataHasGraphsTypesWithInheritedProperties() throws {
        let application = try #require(GraphMetadata.v1.type("application"))
        #expect(application.properties.prefix(2).map(\.name) == ["id", "deletedDateTime"], "entity, then directoryObject, first")
        #expect(application.property("api")?.type == .named("apiApplication"))
        #expect(application.property("identifierUris")?.type == .collection(.primitive("Edm.String")))
        #expect(application.property("oauth2RequirePostResponse")?.isNullable == false)
        #expect(application.navigations.contains("owners") && application.property("owners") == nil)
        #expect(GraphMetadata.v1.enums["nativeAuthenticationApisEnabled"] == ["none", "all", "unknownFutureValue"])
    }

    @Test func requestValuesAreCheckedAgainstTheirTypes() {
        func problem(_ members: [(String, JSONValue)]) -> String? {
            do {
                try self.shape.check(members, of: "application")
                return nil
            } catch { return error.message }
        }
        #expect(problem([("@odata.type", .string("#microsoft.graph.application")), ("isFallbackPublicClient", .bool(true))]) == nil)
        #expect(problem([("colour", .string("red"))])?.contains("'colour' does not exist on type 'microsoft.graph.application'") == true)
        #expect(problem([("isFallbackPublicClient", .string("yes"))])?.contains("Edm.Boolean") == true)
        #expect(problem([("api", .object([("requestedAccessTokenVersion", .number(2.5))]))])?.contains("api.requestedAccessTokenVersion") == true)
        #expect(problem([("api", .object([("requestedAccessTokenVersion", .number(3_000_000_000))]))]) != nil, "beyond Int32")
        #expect(problem([("identifierUris", .null)]) == nil, "a null collection is taken as empty")
        #expect(problem([("description", .null), ("isFallbackPublicClient", .null)]) == nil)
        #expect(problem([("oauth2RequirePostResponse", .null)])?.contains("cannot be null") == true)
        #expect(problem([("api", .object([("requestedAccessTokenVersion", .number(.infinity))]))]) != nil)
        #expect(problem([("identifierUris", .array([.number(1)]))])?.contains("identifierUris[0]") == true)
        #expect(problem([("web", .object([("implicitGrantSettings", .object([("enableIdTokenIssuance", .null)]))]))]) == nil)
        #expect(problem([("tokenEncryptionKeyId", .string("not-a-guid"))])?.contains("Edm.Guid") == true)
        #expect(problem([("nativeAuthenticationApisEnabled", .string("sometimes"))])?.contains("none, all") == true)
        #expect(problem([("info", .object([("colour", .string("x"))]))])?.contains("info.colour") == true)
    }

    @Test func responsesCarryEveryPropertyWithGraphsDefaults() throws {
        let full = self.shape.complete([("id", .string("1")), ("web", .object([("redirectUris", .array([.string("https://a/cb")]))]))], of: "application")
        let members = try #require(full.objectValue)
        #expect(members.first?.0 == "id")
        #expect(full["displayName"] == .null && full["tags"] == .array([]) && full["oauth2RequirePostResponse"] == .bool(false))
        #expect(full["web"]?["redirectUris"] == .array([.string("https://a/cb")]))
        #expect(full["web"]?["implicitGrantSettings"] == .null, "nullable complex values stay null until set")
        #expect(full["web"]?["homePageUrl"] == .null)
        #expect(members.contains { $0.0 == "logo" } == false, "streams are not part of the object")
    }

    @Test func valuesUnderOpenTypesAreBounded() {
        var deep: JSONValue = .string("x")
        for _ in 0..<40 { deep = .object([("a", deep)]) }
        #expect(throws: GraphShape.Mismatch.self) {
            try self.shape.check([("customSecurityAttributes", .object([("set", deep)]))], of: "servicePrincipal")
        }
        #expect(throws: Never.self) {
            try self.shape.check([("customSecurityAttributes", .object([("set", .object([("a", .number(1))]))]))], of: "servicePrincipal")
        }
    }

    @Test func aPatchMergesComplexValuesAndReplacesTheRest() {
        let stored: [(String, JSONValue)] = [
            ("api", .object([("requestedAccessTokenVersion", .number(1)), ("acceptMappedClaims", .bool(false))])),
            ("tags", .array([.string("a")])),
        ]
        let merged = JSONValue.object(self.shape.merge(
            [("api", .object([("requestedAccessTokenVersion", .number(2))])), ("tags", .array([.string("b")]))], into: stored, of: "application"))
        #expect(merged["api"] == .object([("requestedAccessTokenVersion", .number(2)), ("acceptMappedClaims", .bool(false))]))
        #expect(merged["tags"] == .array([.string("b")]))
        #expect(JSONValue.object(self.shape.merge([("tags", .null)], into: stored, of: "application"))["tags"] == .array([]))
    }
}
