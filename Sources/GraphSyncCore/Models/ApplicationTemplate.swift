import Foundation

/// An application template (`applicationTemplate`): an app in Entra's gallery, or the non-gallery "create your own"
/// template. Instantiating one registers an application and its service principal, both marked with the template id.
public struct ApplicationTemplate: Sendable, Equatable {
    public var id: String
    public var displayName: String
    public var description: String?
    public var publisher: String?
    public var categories: [String]
    public var homePageUrl: String?
    public var logoUrl: String?
    public var supportedProvisioningTypes: [String]
    public var supportedSingleSignOnModes: [String]
    /// App roles the instantiated application starts with (gallery apps carry `msiam_access`).
    public var appRoles: [AppRole]
    /// The synchronization template (factory tag) its jobs are created from.
    public var synchronizationTemplateId: String?

    /// The templates GraphSync offers. Ids and names are Entra's where they are documented (see
    /// docs/research/terraform-azuread-provider.md §5); descriptive fields Entra's answers carry but that were not
    /// found are left empty rather than invented.
    /// The non-gallery template ("create your own application").
    public static let nonGalleryId = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"

    public static let catalog: [ApplicationTemplate] = [
        ApplicationTemplate(
            id: nonGalleryId, displayName: "Custom",
            description: "Integrate any other application that you don't find in the gallery (non-gallery).", publisher: "Microsoft Corporation",
            categories: [], supportedProvisioningTypes: ["sync"], supportedSingleSignOnModes: ["password", "saml", "external"],
            appRoles: [], synchronizationTemplateId: "scim"),
        ApplicationTemplate(
            id: "9c9818d2-2900-49e8-8ba4-22688be7c675", displayName: "Azure Databricks SCIM Provisioning Connector", publisher: "Databricks",
            categories: [], supportedProvisioningTypes: ["sync"], supportedSingleSignOnModes: [], appRoles: [],
            synchronizationTemplateId: "dataBricks"),
        ApplicationTemplate(
            id: "21ed01d2-ec13-4e9e-86c1-cd546719ebc4", displayName: "AWS IAM Identity Center (successor to AWS Single Sign-On)",
            publisher: "Amazon Web Services, Inc.", categories: [], supportedProvisioningTypes: ["sync"],
            supportedSingleSignOnModes: ["saml", "external"], appRoles: [], synchronizationTemplateId: "aWSSingleSignon"),
        ApplicationTemplate(
            id: "4601ed45-8ff3-4599-8377-b6649007e876", displayName: "Marketo", publisher: "Marketo", categories: [],
            supportedProvisioningTypes: [], supportedSingleSignOnModes: ["saml"],
            appRoles: [AppRole(
                id: "dfd0e7dd-26fb-4b2c-98d2-e444486c1e37", allowedMemberTypes: ["User"], description: "msiam_access", displayName: "msiam_access",
                isEnabled: true, value: nil)],
            synchronizationTemplateId: nil),
    ]

    public static func withId(_ id: String) -> ApplicationTemplate? {
        self.catalog.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    public init(
        id: String, displayName: String, description: String? = nil, publisher: String?, categories: [String], homePageUrl: String? = nil,
        logoUrl: String? = nil, supportedProvisioningTypes: [String], supportedSingleSignOnModes: [String], appRoles: [AppRole],
        synchronizationTemplateId: String?
    ) {
        self.id = id
        self.displayName = displayName
        self.description = description
        self.publisher = publisher
        self.categories = categories
        self.homePageUrl = homePageUrl
        self.logoUrl = logoUrl
        self.supportedProvisioningTypes = supportedProvisioningTypes
        self.supportedSingleSignOnModes = supportedSingleSignOnModes
        self.appRoles = appRoles
        self.synchronizationTemplateId = synchronizationTemplateId
    }
}
