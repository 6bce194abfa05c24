import Foundation

/// A synchronization template (`synchronizationTemplate`): a preconfigured schema a job can be created from.
public struct SynchronizationTemplate: Sendable {
    public var id: String
    public var description: String
    public var factoryTag: String
    public var isDefault: Bool
    public var discoverable: Bool
    public var schema: SynchronizationSchema

    /// Metadata entries a gallery template carries (`galleryApplicationIdentifier`, `configurationFields`, …).
    public var metadata: [(key: String, value: String)] = []

    /// The templates every service principal offers: a generic SCIM 2.0 app (Entra's non-gallery template, whose jobs
    /// start with `scim`), and gallery SCIM apps whose factory tags and mapping tables Entra documents
    /// (docs/research/gallery-schemas.md), so jobs created with their ids work and send what those apps expect.
    public static let builtIn: [SynchronizationTemplate] = [.scim, .dataBricks, .awsSingleSignOn]

    public static let scim = SynchronizationTemplate(
        id: "scim", description: "Provision users and groups to any SCIM 2.0 application (RFC 7643/7644).", factoryTag: "scim",
        isDefault: true, discoverable: true, schema: .defaultSCIM)

    /// Azure Databricks: the attributes its provisioning tutorial lists (users `userName`, `displayName`, `active`;
    /// groups `displayName`, `members`).
    public static let dataBricks = SynchronizationTemplate.gallery(
        "dataBricks", app: "Azure Databricks SCIM Provisioning Connector", applicationTemplateId: "9c9818d2-2900-49e8-8ba4-22688be7c675",
        galleryKey: "azuredatabricksscimprovisioningconnector", targetDirectory: "Azure Databricks",
        directoryId: "3d0f8e52-7c1b-4a8e-9f26-5b4c1e7d2a90",
        users: [
            AttributeMapping(source: .attribute("userPrincipalName"), target: "userName", matchingPriority: 1),
            AttributeMapping(source: .attribute("displayName"), target: "displayName"),
            .active,
        ],
        groups: [
            AttributeMapping(source: .attribute("displayName"), target: "displayName", matchingPriority: 1),
            AttributeMapping(source: .attribute("members"), target: "members"),
        ])

    /// AWS IAM Identity Center (factory tag `aWSSingleSignon`): the attributes of its provisioning tutorial's tables.
    public static let awsSingleSignOn = SynchronizationTemplate.gallery(
        "aWSSingleSignon", app: "AWS IAM Identity Center", applicationTemplateId: "21ed01d2-ec13-4e9e-86c1-cd546719ebc4",
        galleryKey: "awssinglesignon", targetDirectory: "AWSSingleSignon",
        directoryId: "b7e2c4a1-0f3d-4b6e-8a59-1c2d3e4f5a6b",
        users: [
            AttributeMapping(source: .attribute("userPrincipalName"), target: "userName", matchingPriority: 1),
            .active,
            AttributeMapping(source: .attribute("displayName"), target: "displayName"),
            AttributeMapping(source: .attribute("jobTitle"), target: "title"),
            AttributeMapping(source: .attribute("mail"), target: "emails[type eq \"work\"].value"),
            AttributeMapping(source: .attribute("preferredLanguage"), target: "preferredLanguage"),
            AttributeMapping(source: .attribute("givenName"), target: "name.givenName"),
            AttributeMapping(source: .attribute("surname"), target: "name.familyName"),
            AttributeMapping(source: .function("Join", [.constant(" "), .attribute("givenName"), .attribute("surname")]), target: "name.formatted"),
            AttributeMapping(source: .attribute("streetAddress"), target: "addresses[type eq \"work\"].streetAddress"),
            AttributeMapping(source: .attribute("city"), target: "addresses[type eq \"work\"].locality"),
            AttributeMapping(source: .attribute("state"), target: "addresses[type eq \"work\"].region"),
            AttributeMapping(source: .attribute("postalCode"), target: "addresses[type eq \"work\"].postalCode"),
            AttributeMapping(source: .attribute("country"), target: "addresses[type eq \"work\"].country"),
            AttributeMapping(source: .attribute("mailNickname"), target: "externalId"),
            AttributeMapping(source: .attribute("employeeId"), target: "\(SynchronizationSchema.enterpriseUser):employeeNumber"),
            AttributeMapping(source: .attribute("department"), target: "\(SynchronizationSchema.enterpriseUser):department"),
        ],
        groups: [
            AttributeMapping(source: .attribute("displayName"), target: "displayName", matchingPriority: 1),
            AttributeMapping(source: .attribute("objectId"), target: "externalId"),
            AttributeMapping(source: .attribute("members"), target: "members"),
        ])

    /// A gallery app's template: Entra's user-and-group rule (`USERGROUP_OUTBOUND_USERGROUP`, whose id Entra's
    /// published gallery templates share) from the directory to the app's SCIM objects, with the app's mappings.
    static func gallery(
        _ factoryTag: String, app: String, applicationTemplateId: String, galleryKey: String, targetDirectory: String,
        directoryId: String, users: [AttributeMapping], groups: [AttributeMapping]
    ) -> SynchronizationTemplate {
        let generic = SynchronizationSchema.defaultSCIM
        func object(_ name: String, _ mappings: [AttributeMapping], anchor: String) -> ObjectDefinition {
            ObjectDefinition(name: name, attributes: [AttributeDefinition(anchor, anchor: true)] + mappings.map { mapping in
                let target = mapping.targetAttributeName
                return AttributeDefinition(
                    target, type: target == "active" ? "Boolean" : target == "members" ? "Reference" : "String",
                    required: mapping.matchingPriority > 0, multivalued: target == "members")
            }, supportedApis: [])
        }
        let schema = SynchronizationSchema(
            id: "\(factoryTag).00000000000000000000000000000000", version: "1",
            synchronizationRules: [
                SynchronizationRule(
                    id: "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8", name: "USERGROUP_OUTBOUND_USERGROUP", editable: true, priority: 1,
                    sourceDirectoryName: "Azure Active Directory", targetDirectoryName: targetDirectory,
                    objectMappings: [
                        ObjectMapping(
                            name: "Provision Microsoft Entra ID Users", enabled: true, flowTypes: "Add, Update, Delete", sourceObjectName: "User",
                            targetObjectName: SynchronizationSchema.scimUser, attributeMappings: users),
                        ObjectMapping(
                            name: "Provision Microsoft Entra ID Groups", enabled: true, flowTypes: "Add, Update, Delete", sourceObjectName: "Group",
                            targetObjectName: SynchronizationSchema.scimGroup, attributeMappings: groups),
                    ]),
            ],
            directories: [
                generic.directories[0],
                DirectoryDefinition(
                    id: directoryId, name: targetDirectory,
                    objects: [object(SynchronizationSchema.scimUser, users, anchor: "id"), object(SynchronizationSchema.scimGroup, groups, anchor: "id")],
                    readOnly: false, discoverabilities: "AttributeNames, AttributeDataTypes"),
            ])
        return SynchronizationTemplate(
            id: factoryTag, description: "Provision users and groups to \(app) (SCIM 2.0).", factoryTag: factoryTag, isDefault: false,
            discoverable: true, schema: schema,
            metadata: [
                ("galleryApplicationIdentifier", applicationTemplateId), ("galleryApplicationKey", galleryKey),
                ("configurationFields", #"[{"name":"baseaddress"},{"name":"secrettoken","secret":true}]"#),
            ])
    }

    public static func named(_ id: String) -> SynchronizationTemplate? {
        self.builtIn.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }
}

extension AttributeMapping {
    /// `active` from whether sign-in is allowed (Entra documents `IsSoftDeleted → active`; in scope they agree).
    static let active = AttributeMapping(source: .attribute("accountEnabled"), target: "active")
}

extension SynchronizationSchema {
    static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
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
                            .active,
                            AttributeMapping(source: .attribute("displayName"), target: "displayName"),
                            AttributeMapping(source: .attribute("givenName"), target: "name.givenName"),
                            AttributeMapping(source: .attribute("surname"), target: "name.familyName"),
                            AttributeMapping(source: .attribute("mail"), target: "emails[type eq \"work\"].value"),
                            AttributeMapping(source: .attribute("jobTitle"), target: "title"),
                            AttributeMapping(source: .attribute("mailNickname"), target: "externalId"),
                            AttributeMapping(source: .attribute("manager"), target: "\(enterpriseUser):manager"),
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
                        AttributeDefinition("jobTitle"), AttributeDefinition("mailNickname"), AttributeDefinition("manager", type: "Reference"),
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
                        AttributeDefinition("\(enterpriseUser):manager", type: "Reference"),
                    ], supportedApis: []),
                    ObjectDefinition(name: scimGroup, attributes: [
                        AttributeDefinition("id", anchor: true), AttributeDefinition("displayName", required: true),
                        AttributeDefinition("externalId"), AttributeDefinition("members", type: "Reference", multivalued: true),
                    ], supportedApis: []),
                ],
                readOnly: false, discoverabilities: "AttributeNames, AttributeDataTypes"),
        ])
}
