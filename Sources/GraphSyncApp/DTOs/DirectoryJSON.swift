import Foundation
import GraphSyncCore

/// Graph JSON shapes of directory objects (v1.0 property names; unset properties are `null` as Graph sends them).
enum DirectoryJSON {
    static let shape = GraphShape()

    /// An application: its full default property set (Graph's metadata), the typed members, then every other property as
    /// stored. `secretTexts` (by keyId) are shown once, in the answer to a create.
    static func application(_ app: GraphSyncCore.Application, secretTexts: [String: String] = [:]) -> JSONValue {
        var properties = app.properties
        properties["id"] = .string(app.id)
        properties["appId"] = .string(app.appId)
        properties["createdDateTime"] = JSONValue(app.createdDateTime)
        properties["description"] = JSONValue(app.description)
        properties["displayName"] = .string(app.displayName)
        properties["identifierUris"] = JSONValue(app.identifierUris)
        properties["notes"] = JSONValue(app.notes)
        properties["publisherDomain"] = .string("graphsync.local")
        properties["signInAudience"] = .string(app.signInAudience)
        properties["tags"] = JSONValue(app.tags)
        properties["appRoles"] = .array(app.appRoles.map(self.appRole))
        properties["passwordCredentials"] = .array(app.passwordCredentials.map { self.passwordCredential($0, secretText: secretTexts[$0.keyId]) })
        properties["keyCredentials"] = KeyCredentialInput.withoutKeys(properties["keyCredentials"])
        properties["api"] = self.adding("oauth2PermissionScopes", .array(app.oauth2PermissionScopes.map(self.permissionScope)), to: properties["api"])
        var web = self.adding("redirectUris", JSONValue(app.webRedirectUris), to: properties["web"])
        if web["implicitGrantSettings"] == nil || web["implicitGrantSettings"] == .null {
            web = self.adding("implicitGrantSettings", .object([("enableAccessTokenIssuance", .bool(false)), ("enableIdTokenIssuance", .bool(false))]), to: web)
        }
        properties["web"] = web
        for always in ["info", "publicClient", "spa", "parentalControlSettings", "verifiedPublisher"] where properties[always] == nil || properties[always] == .null {
            properties[always] = .object([])
        }
        return self.shape.complete(properties.members, of: "application")
    }

    static func servicePrincipal(_ sp: ServicePrincipal) -> JSONValue {
        var properties = sp.properties
        properties["id"] = .string(sp.id)
        properties["accountEnabled"] = .bool(sp.accountEnabled)
        properties["appDisplayName"] = JSONValue(sp.appDisplayName)
        properties["appId"] = .string(sp.appId)
        properties["appOwnerOrganizationId"] = JSONValue(sp.appOwnerOrganizationId)
        properties["appRoleAssignmentRequired"] = .bool(sp.appRoleAssignmentRequired)
        properties["createdDateTime"] = JSONValue(sp.createdDateTime)
        properties["displayName"] = .string(sp.displayName)
        properties["notes"] = JSONValue(sp.notes)
        properties["servicePrincipalNames"] = JSONValue(sp.servicePrincipalNames)
        properties["servicePrincipalType"] = .string(sp.servicePrincipalType)
        properties["signInAudience"] = properties["signInAudience"] ?? .string("AzureADMyOrg")
        properties["tags"] = JSONValue(sp.tags)
        properties["appRoles"] = .array(sp.appRoles.map(self.appRole))
        properties["oauth2PermissionScopes"] = .array(sp.oauth2PermissionScopes.map(self.permissionScope))
        properties["passwordCredentials"] = .array(sp.passwordCredentials.map(self.passwordCredential))
        properties["keyCredentials"] = KeyCredentialInput.withoutKeys(properties["keyCredentials"])
        for always in ["info", "verifiedPublisher"] where properties[always] == nil || properties[always] == .null {
            properties[always] = .object([])
        }
        return self.shape.complete(properties.members, of: "servicePrincipal")
    }

    /// A stored complex value (or an empty one) with its typed member set.
    private static func adding(_ name: String, _ value: JSONValue, to stored: JSONValue?) -> JSONValue {
        var members = stored?.objectValue ?? []
        members.removeAll { $0.0 == name }
        return .object(members + [(name, value)])
    }

    static func user(_ user: User) -> JSONValue {
        var properties = user.properties
        properties["id"] = .string(user.id)
        properties["accountEnabled"] = .bool(user.accountEnabled)
        properties["createdDateTime"] = JSONValue(user.createdDateTime)
        properties["displayName"] = .string(user.displayName)
        properties["givenName"] = JSONValue(user.givenName)
        properties["jobTitle"] = JSONValue(user.jobTitle)
        properties["mail"] = JSONValue(user.mail)
        properties["mailNickname"] = .string(user.mailNickname)
        properties["surname"] = JSONValue(user.surname)
        properties["userPrincipalName"] = .string(user.userPrincipalName)
        properties["signInSessionsValidFromDateTime"] = JSONValue(user.signInSessionsValidFromDateTime)
        properties["passwordProfile"] = nil
        // Graph leaves passwordProfile out of reads; the rest of the metadata's properties come back with defaults.
        return .object(self.shape.complete(properties.members, of: "user").objectValue?.filter { $0.0 != "passwordProfile" } ?? [])
    }

    /// What Graph returns for a user when no `$select` asks for more (its documented default property set).
    static let userDefaultProperties: Set<String> = [
        "id", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage",
        "surname", "userPrincipalName",
    ]

    /// A user as a read answers it: Graph's default property set, or every property when `$select` chooses.
    static func user(_ user: User, select: [String]?) -> JSONValue {
        let full = self.user(user)
        guard select == nil || select?.isEmpty == true else { return full }
        return .object((full.objectValue ?? []).filter { self.userDefaultProperties.contains($0.0) })
    }

    static func group(_ group: Group) -> JSONValue {
        var properties = group.properties
        properties["id"] = .string(group.id)
        properties["createdDateTime"] = JSONValue(group.createdDateTime)
        properties["description"] = JSONValue(group.description)
        properties["displayName"] = .string(group.displayName)
        properties["groupTypes"] = JSONValue(group.groupTypes)
        properties["mailEnabled"] = .bool(group.mailEnabled)
        properties["mailNickname"] = .string(group.mailNickname)
        properties["securityEnabled"] = .bool(group.securityEnabled)
        return self.shape.complete(properties.members, of: "group")
    }

    /// Group properties Graph returns only when `$select` names them (its group resource page).
    static let groupSelectOnlyProperties: Set<String> = [
        "allowExternalSenders", "assignedLabels", "assignedLicenses", "autoSubscribeNewMembers", "hideFromAddressLists",
        "hideFromOutlookClients", "isSubscribedByMail", "licenseProcessingState", "unseenCount",
    ]

    /// A group as a read answers it: without the `$select`-only properties unless `$select` chooses.
    static func group(_ group: Group, select: [String]?) -> JSONValue {
        let full = self.group(group)
        guard select == nil || select?.isEmpty == true else { return full }
        return .object((full.objectValue ?? []).filter { !self.groupSelectOnlyProperties.contains($0.0) })
    }

    static func applicationTemplate(_ template: ApplicationTemplate) -> JSONValue {
        self.shape.complete([
            ("id", .string(template.id)), ("displayName", .string(template.displayName)), ("description", JSONValue(template.description)),
            ("publisher", JSONValue(template.publisher)), ("categories", JSONValue(template.categories)), ("homePageUrl", JSONValue(template.homePageUrl)),
            ("logoUrl", JSONValue(template.logoUrl)), ("supportedProvisioningTypes", JSONValue(template.supportedProvisioningTypes)),
            ("supportedSingleSignOnModes", JSONValue(template.supportedSingleSignOnModes)), ("isEntraIntegrated", .bool(true)),
        ], of: "applicationTemplate")
    }

    /// Any directory object in full, led by its `@odata.type` (as `GET /directoryObjects/{id}` answers).
    static func typed(_ type: String, _ object: JSONValue) -> JSONValue {
        .object([("@odata.type", .string("#microsoft.graph.\(type)"))] + (object.objectValue ?? []))
    }

    static func appRole(_ role: AppRole) -> JSONValue {
        .object([
            ("allowedMemberTypes", JSONValue(role.allowedMemberTypes)), ("description", JSONValue(role.description)),
            ("displayName", JSONValue(role.displayName)), ("id", .string(role.id)), ("isEnabled", .bool(role.isEnabled)),
            ("origin", .string(role.origin)), ("value", JSONValue(role.value)),
        ])
    }

    static func permissionScope(_ scope: PermissionScope) -> JSONValue {
        .object([
            ("adminConsentDescription", JSONValue(scope.adminConsentDescription)),
            ("adminConsentDisplayName", JSONValue(scope.adminConsentDisplayName)), ("id", .string(scope.id)),
            ("isEnabled", .bool(scope.isEnabled)), ("type", .string(scope.type)),
            ("userConsentDescription", JSONValue(scope.userConsentDescription)),
            ("userConsentDisplayName", JSONValue(scope.userConsentDisplayName)), ("value", .string(scope.value)),
        ])
    }

    /// Password credential metadata; `secretText` is only ever set in the addPassword answer.
    static func passwordCredential(_ credential: PasswordCredential) -> JSONValue {
        self.passwordCredential(credential, secretText: nil)
    }

    static func passwordCredential(_ credential: PasswordCredential, secretText: String?) -> JSONValue {
        .object([
            ("customKeyIdentifier", .null), ("displayName", JSONValue(credential.displayName)),
            ("endDateTime", JSONValue(credential.endDateTime)), ("hint", .string(credential.hint)), ("keyId", .string(credential.keyId)),
            ("secretText", JSONValue(secretText)), ("startDateTime", JSONValue(credential.startDateTime)),
        ])
    }

    static func appRoleAssignment(_ assignment: AppRoleAssignment) -> JSONValue {
        .object([
            ("id", .string(assignment.id)), ("deletedDateTime", .null), ("appRoleId", .string(assignment.appRoleId)),
            ("createdDateTime", JSONValue(assignment.createdDateTime)), ("principalDisplayName", JSONValue(assignment.principalDisplayName)),
            ("principalId", .string(assignment.principalId)), ("principalType", .string(assignment.principalType.rawValue)),
            ("resourceDisplayName", JSONValue(assignment.resourceDisplayName)), ("resourceId", .string(assignment.resourceId)),
        ])
    }

    static func permissionGrant(_ grant: OAuth2PermissionGrant) -> JSONValue {
        .object([
            ("id", .string(grant.id)), ("clientId", .string(grant.clientId)), ("consentType", .string(grant.consentType)),
            ("principalId", JSONValue(grant.principalId)), ("resourceId", .string(grant.resourceId)), ("scope", .string(grant.scope)),
        ])
    }

    static func roleAssignment(_ assignment: RoleAssignment) -> JSONValue {
        .object([
            ("id", .string(assignment.id)), ("directoryScopeId", .string(assignment.directoryScopeId)),
            ("principalId", .string(assignment.principalId)), ("roleDefinitionId", .string(assignment.roleDefinitionId)),
        ])
    }

    static func roleDefinition(_ role: DirectoryRoleTemplate) -> JSONValue {
        .object([
            ("id", .string(role.id)), ("description", .string(role.description)), ("displayName", .string(role.displayName)),
            ("isBuiltIn", .bool(true)), ("isEnabled", .bool(true)), ("templateId", .string(role.id)),
        ])
    }

    /// A directory object in a heterogeneous collection (owners), with its `@odata.type`.
    static func directoryObject(_ object: DirectoryObjectSummary) -> JSONValue {
        switch object.type {
        case .user:
            .object([("@odata.type", .string("#microsoft.graph.user")), ("id", .string(object.id)),
                     ("displayName", JSONValue(object.displayName)), ("userPrincipalName", JSONValue(object.userPrincipalName))])
        case .servicePrincipal:
            .object([("@odata.type", .string("#microsoft.graph.servicePrincipal")), ("id", .string(object.id)),
                     ("displayName", JSONValue(object.displayName)), ("appId", JSONValue(object.appId))])
        case .group:
            .object([("@odata.type", .string("#microsoft.graph.group")), ("id", .string(object.id)),
                     ("displayName", JSONValue(object.displayName))])
        }
    }

}
