import Foundation

/// An application registration (`application`): the global definition of an app in the tenant.
public struct Application: Sendable, Codable, Hashable {
    public var id: String
    public var appId: String
    public var displayName: String
    public var description: String?
    public var createdDateTime: Date
    public var signInAudience: String
    public var identifierUris: [String]
    public var tags: [String]
    public var notes: String?
    public var appRoles: [AppRole]
    public var oauth2PermissionScopes: [PermissionScope]
    public var webRedirectUris: [String]
    public var passwordCredentials: [PasswordCredential]
    /// Every other property Graph defines for applications, as sent (`api` and `web` without the members above).
    public var properties: GraphProperties
    /// Synchronization template schemas customized for this application (`PUT …/templates/{id}/schema`), by template
    /// id, as JSON (see `templateSchema(_:)`).
    public var templateSchemas: [String: JSONValue]?

    public init(
        id: String, appId: String, displayName: String, description: String? = nil, createdDateTime: Date,
        signInAudience: String = "AzureADMyOrg", identifierUris: [String] = [], tags: [String] = [], notes: String? = nil,
        appRoles: [AppRole] = [], oauth2PermissionScopes: [PermissionScope] = [], webRedirectUris: [String] = [],
        passwordCredentials: [PasswordCredential] = [], properties: GraphProperties = GraphProperties()
    ) {
        self.id = id
        self.appId = appId
        self.displayName = displayName
        self.description = description
        self.createdDateTime = createdDateTime
        self.signInAudience = signInAudience
        self.identifierUris = identifierUris
        self.tags = tags
        self.notes = notes
        self.appRoles = appRoles
        self.oauth2PermissionScopes = oauth2PermissionScopes
        self.webRedirectUris = webRedirectUris
        self.passwordCredentials = passwordCredentials
        self.properties = properties
    }
}

extension Application {
    /// The application's customized schema of a synchronization template, if it has one.
    public func templateSchema(_ templateId: String) -> SynchronizationSchema? {
        guard let stored = self.templateSchemas?[templateId] else { return nil }
        return try? JSONDecoder().decode(SynchronizationSchema.self, from: Data(stored.serialized()))
    }

    /// Sets (or, with nil, removes) the customized schema of a template.
    public mutating func setTemplateSchema(_ schema: SynchronizationSchema?, for templateId: String) throws {
        var schemas = self.templateSchemas ?? [:]
        schemas[templateId] = try schema.map { try JSONValue.parse(JSONEncoder().encode($0)) }
        self.templateSchemas = schemas.isEmpty ? nil : schemas
    }
}
