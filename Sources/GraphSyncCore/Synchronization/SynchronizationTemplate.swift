import Foundation

/// A synchronization template (`synchronizationTemplate`): a preconfigured schema a job can be created from.
public struct SynchronizationTemplate: Sendable, Equatable {
    public var id: String
    public var description: String
    public var factoryTag: String
    public var isDefault: Bool
    public var discoverable: Bool
    public var schema: SynchronizationSchema

    /// The templates every service principal offers: a generic SCIM 2.0 app (Entra's non-gallery template, whose jobs
    /// start with `scim`), and gallery SCIM apps whose factory tags Entra documents, so jobs created with their ids work.
    public static let builtIn: [SynchronizationTemplate] = [
        .scim,
        .gallery(
            "dataBricks", "Azure Databricks SCIM Provisioning Connector",
            // The rule id Entra's Databricks template uses (the azuread provider's provisionOnDemand acceptance test).
            userRuleId: "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8"),
        // No rule id of Entra's is known for AWS: its rule keeps the generic SCIM template's (GraphSync's own) id.
        .gallery("aws", "Amazon Web Services (AWS)"),
    ]

    public static let scim = SynchronizationTemplate(
        id: "scim", description: "Provision users and groups to any SCIM 2.0 application (RFC 7643/7644).", factoryTag: "scim",
        isDefault: true, discoverable: true, schema: .defaultSCIM)

    /// A gallery app's template: the SCIM schema under the app's factory tag, with Entra's rule id where it is known.
    static func gallery(_ factoryTag: String, _ appName: String, userRuleId: String? = nil) -> SynchronizationTemplate {
        var schema = SynchronizationSchema.defaultSCIM
        schema.id = factoryTag
        if let userRuleId, !schema.synchronizationRules.isEmpty { schema.synchronizationRules[0].id = userRuleId }
        return SynchronizationTemplate(
            id: factoryTag, description: "Provision users and groups to \(appName) (SCIM 2.0).", factoryTag: factoryTag, isDefault: false,
            discoverable: true, schema: schema)
    }

    public static func named(_ id: String) -> SynchronizationTemplate? {
        self.builtIn.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }
}

extension SynchronizationSchema {
    static let scimUser = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let scimGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"

    /// Entra's default attribute mappings for a SCIM app (the parts GraphSync evaluates).
    public static let defaultSCIM = SynchronizationSchema(
        id: "scim", version: "1",
        synchronizationRules: [
            SynchronizationRule(
                id: "6c4d9d22-1f0b-4a6a-9a0e-3c5e4f9f1a01", name: "USER_OUTBOUND_SCIM", editable: true, priority: 1,
                sourceDirectoryName: "Azure Active Directory", targetDirectoryName: "SCIM 2.0",
                objectMappings: [
                    ObjectMapping(
                        name: "Provision Microsoft Entra ID Users", enabled: true, flowTypes: "Add, Update, Delete", sourceObjectName: "User",
                        targetObjectName: scimUser,
                        attributeMappings: [
                            AttributeMapping(source: .attribute("userPrincipalName"), target: "userName", matchingPriority: 1),
                            AttributeMapping(source: .attribute("accountEnabled"), target: "active"),
                            AttributeMapping(source: .attribute("displayName"), target: "displayName"),
                            AttributeMapping(source: .attribute("givenName"), target: "name.givenName"),
                            AttributeMapping(source: .attribute("surname"), target: "name.familyName"),
                            AttributeMapping(source: .attribute("mail"), target: "emails[type eq \"work\"].value"),
                            AttributeMapping(source: .attribute("jobTitle"), target: "title"),
                            AttributeMapping(source: .attribute("mailNickname"), target: "externalId"),
                        ]),
                    ObjectMapping(
                        name: "Provision Microsoft Entra ID Groups", enabled: true, flowTypes: "Add, Update, Delete", sourceObjectName: "Group",
                        targetObjectName: scimGroup,
                        attributeMappings: [
                            AttributeMapping(source: .attribute("displayName"), target: "displayName", matchingPriority: 1),
                            AttributeMapping(source: .attribute("objectId"), target: "externalId"),
                            AttributeMapping(source: .attribute("members"), target: "members"),
                        ]),
                ]),
        ],
        directories: [
            DirectoryDefinition(
                id: "66e4a8cc-1b7b-435e-95f8-f06cea133828", name: "Azure Active Directory",
                objects: [
                    ObjectDefinition(name: "User", attributes: [
                        AttributeDefinition("objectId", anchor: true), AttributeDefinition("userPrincipalName", required: true),
                        AttributeDefinition("accountEnabled", type: "Boolean"), AttributeDefinition("displayName"),
                        AttributeDefinition("givenName"), AttributeDefinition("surname"), AttributeDefinition("mail"),
                        AttributeDefinition("jobTitle"), AttributeDefinition("mailNickname"),
                    ], supportedApis: []),
                    ObjectDefinition(name: "Group", attributes: [
                        AttributeDefinition("objectId", anchor: true), AttributeDefinition("displayName", required: true),
                        AttributeDefinition("mailNickname"), AttributeDefinition("members", type: "Reference", multivalued: true),
                    ], supportedApis: []),
                ],
                readOnly: true, discoverabilities: "None"),
            DirectoryDefinition(
                id: "8f4b6c2a-5d3e-4f1a-9b7c-2e6d8a0c4f11", name: "SCIM 2.0",
                objects: [
                    ObjectDefinition(name: scimUser, attributes: [
                        AttributeDefinition("id", anchor: true), AttributeDefinition("userName", required: true),
                        AttributeDefinition("active", type: "Boolean"), AttributeDefinition("displayName"),
                        AttributeDefinition("name.givenName"), AttributeDefinition("name.familyName"),
                        AttributeDefinition("emails[type eq \"work\"].value"), AttributeDefinition("title"), AttributeDefinition("externalId"),
                    ], supportedApis: []),
                    ObjectDefinition(name: scimGroup, attributes: [
                        AttributeDefinition("id", anchor: true), AttributeDefinition("displayName", required: true),
                        AttributeDefinition("externalId"), AttributeDefinition("members", type: "Reference", multivalued: true),
                    ], supportedApis: []),
                ],
                readOnly: false, discoverabilities: "AttributeNames, AttributeDataTypes"),
        ])
}
