import Foundation
import GraphSyncCore

/// The directory's tables and the columns each one is filtered by.
enum Tables {
    static let applications = DocumentTable<Application>(
        name: "applications", fields: Self.appFields(),
        columnValues: { Self.appColumns(appId: $0.appId, displayName: $0.displayName, properties: $0.properties) },
        id: \.id, cache: DecodedDocumentCache())

    static let servicePrincipals = DocumentTable<ServicePrincipal>(
        name: "service_principals", fields: Self.appFields(),
        columnValues: { Self.appColumns(appId: $0.appId, displayName: $0.displayName, properties: $0.properties) },
        id: \.id, cache: DecodedDocumentCache())

    /// Applications and service principals are filtered by the same properties.
    private static func appFields<Model>() -> [String: DocumentTable<Model>.Field] {
        [
            "appId": .init(column: "app_id", caseInsensitive: true), "displayName": .init(column: "display_name", caseInsensitive: true, sortable: true),
            "applicationTemplateId": .init(column: "application_template_id", caseInsensitive: true),
        ]
    }

    private static func appColumns(appId: String, displayName: String, properties: GraphProperties) -> [(String, any Encodable & Sendable)] {
        [("app_id", appId.lowercased()), ("display_name", displayName.lowercased()),
         ("application_template_id", properties["applicationTemplateId"]?.stringValue?.lowercased())]
    }

    static let users = DocumentTable<User>(
        name: "users",
        fields: [
            "userPrincipalName": .init(column: "user_principal_name", caseInsensitive: true, sortable: true),
            "displayName": .init(column: "display_name", caseInsensitive: true, sortable: true),
            "mailNickname": .init(column: "mail_nickname", caseInsensitive: true),
            "mail": .init(column: "mail", caseInsensitive: true),
        ],
        columnValues: {
            [("user_principal_name", $0.userPrincipalName.lowercased()), ("display_name", $0.displayName.lowercased()),
             ("mail_nickname", $0.mailNickname.lowercased()), ("mail", $0.mail?.lowercased()), ("manager_id", $0.managerId?.lowercased())]
        },
        id: \.id)

    static let groups = DocumentTable<Group>(
        name: "groups",
        fields: [
            "displayName": .init(column: "display_name", caseInsensitive: true, sortable: true),
            "mailNickname": .init(column: "mail_nickname", caseInsensitive: true),
        ],
        columnValues: { [("display_name", $0.displayName.lowercased()), ("mail_nickname", $0.mailNickname.lowercased())] },
        id: \.id)

    static let appRoleAssignments = DocumentTable<AppRoleAssignment>(
        name: "app_role_assignments",
        fields: ["principalId": .init(column: "principal_id", caseInsensitive: true), "resourceId": .init(column: "resource_id", caseInsensitive: true)],
        columnValues: {
            [("principal_id", $0.principalId.lowercased()), ("resource_id", $0.resourceId.lowercased()), ("app_role_id", $0.appRoleId.lowercased())]
        },
        id: \.id)

    static let permissionGrants = DocumentTable<OAuth2PermissionGrant>(
        name: "permission_grants",
        fields: [
            "clientId": .init(column: "client_id", caseInsensitive: true), "resourceId": .init(column: "resource_id", caseInsensitive: true),
            "consentType": .init(column: "consent_type", caseInsensitive: false),
            "principalId": .init(column: "principal_id", caseInsensitive: true),
        ],
        columnValues: {
            [("client_id", $0.clientId.lowercased()), ("resource_id", $0.resourceId.lowercased()), ("consent_type", $0.consentType),
             ("principal_id", $0.principalId?.lowercased())]
        },
        id: \.id)

    static let roleAssignments = DocumentTable<RoleAssignment>(
        name: "role_assignments",
        fields: [
            "principalId": .init(column: "principal_id", caseInsensitive: true),
            "roleDefinitionId": .init(column: "role_definition_id", caseInsensitive: true),
        ],
        columnValues: { [("principal_id", $0.principalId.lowercased()), ("role_definition_id", $0.roleDefinitionId.lowercased())] },
        id: \.id)
}
