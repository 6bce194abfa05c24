import Foundation
import GraphSyncCore
import Testing

/// What a mapping can read from a user or group: every Graph property it has, under Entra's attribute names.
@Suite struct AttributeSourceTests {
    @Test func mappingsReadEveryGraphPropertyOfAUser() {
        var user = User(id: "u1", userPrincipalName: "lin@graphsync.local", displayName: "Lin", mailNickname: "lin", createdDateTime: Date())
        user.properties["department"] = .string("Research")
        user.properties["businessPhones"] = .array([.string("+1 555 0101")])
        let values = AttributeMapper.sourceValues(of: user)
        #expect(values["department"] == .string("Research"))
        #expect(values["businessPhones"] == .array([.string("+1 555 0101")]))
        #expect(values["objectId"] == .string("u1") && values["IsSoftDeleted"] == .bool(false))
        // A stored property cannot shadow what GraphSync itself decides.
        user.properties["accountEnabled"] = .bool(false)
        #expect(AttributeMapper.sourceValues(of: user)["accountEnabled"] == .bool(true))
    }
}

/// Gallery templates send the attributes their apps' provisioning tutorials list, in SCIM's shapes.
@Suite struct GalleryTemplateTests {
    let ada = User(
        id: "u1", userPrincipalName: "ada@contoso.test", displayName: "Ada Lovelace", mailNickname: "ada", givenName: "Ada",
        surname: "Lovelace", mail: "ada@contoso.test", jobTitle: "Analyst", createdDateTime: Date())

    func body(_ template: SynchronizationTemplate, _ user: User) throws -> JSONValue {
        let mapping = try #require(template.schema.synchronizationRules.first?.objectMappings.first { $0.sourceObjectName == "User" })
        let values = try AttributeMapper.targetValues(mapping, source: AttributeMapper.sourceValues(of: user), isNew: true)
        return AttributeMapper.resource(schema: mapping.targetObjectName, values: values)
    }

    @Test func awsIdentityCenterGetsOneWorkAddressAndTheEnterpriseExtension() throws {
        var user = self.ada
        user.properties["city"] = .string("London")
        user.properties["postalCode"] = .string("N1")
        user.properties["department"] = .string("Engines")
        user.properties["employeeId"] = .string("1815")
        let body = try self.body(.awsSingleSignOn, user)
        let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        #expect(body["schemas"] == .array([.string("urn:ietf:params:scim:schemas:core:2.0:User"), .string(enterprise)]))
        #expect(body[enterprise] == .object([("employeeNumber", .string("1815")), ("department", .string("Engines"))]))
        let addresses = try #require(body["addresses"]?.arrayValue)
        #expect(addresses.count == 1, "locality and postalCode fill one work address: \(addresses)")
        #expect(addresses.first?["locality"] == .string("London") && addresses.first?["postalCode"] == .string("N1"))
        #expect(body["name"]?["formatted"] == .string("Ada Lovelace") && body["title"] == .string("Analyst"))
        #expect(SynchronizationTemplate.awsSingleSignOn.schema.synchronizationRules.first?.id == "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8")
    }

    @Test func databricksGetsOnlyWhatItsTutorialLists() throws {
        let body = try self.body(.dataBricks, self.ada)
        #expect(Set((body.objectValue ?? []).map(\.0)) == ["schemas", "userName", "displayName", "active"])
        #expect(SynchronizationTemplate.named("databricks")?.metadata.first { $0.key == "galleryApplicationIdentifier" }?.value
            == "9c9818d2-2900-49e8-8ba4-22688be7c675")
    }
}
