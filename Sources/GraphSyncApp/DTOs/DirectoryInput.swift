import Foundation
import HTTPTypes
import GraphSyncCore

/// Reads directory objects from request bodies: every property is checked against Graph's metadata (type, nullability,
/// read-only), the ones GraphSync acts on go into the model's typed fields, and every other one is kept as sent.
enum DirectoryInput {
    static let shape = GraphShape()

    /// Properties Graph computes: refused in a body, as Graph refuses them.
    static let readOnly: [String: Set<String>] = [
        "application": [
            "id", "appId", "applicationTemplateId", "createdByAppId", "createdDateTime", "deletedDateTime", "disabledByMicrosoftStatus",
            "publisherDomain", "passwordCredentials", "logo",
        ],
        "servicePrincipal": [
            "id", "appDisplayName", "appOwnerOrganizationId", "applicationTemplateId", "appRoles", "createdByAppId", "createdDateTime",
            "deletedDateTime", "disabledByMicrosoftStatus", "oauth2PermissionScopes", "passwordCredentials", "servicePrincipalType",
            "signInAudience", "servicePrincipalNames",
        ],
        "user": [
            "id", "createdDateTime", "deletedDateTime", "lastPasswordChangeDateTime", "signInSessionsValidFromDateTime", "signInActivity",
            "onPremisesSyncEnabled", "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier", "onPremisesProvisioningErrors",
            "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesSamAccountName", "onPremisesUserPrincipalName",
            "securityIdentifier", "assignedPlans", "provisionedPlans", "licenseAssignmentStates", "proxyAddresses", "imAddresses",
            "creationType", "externalUserState", "externalUserStateChangeDateTime",
        ],
        "group": [
            "id", "createdDateTime", "deletedDateTime", "mail", "proxyAddresses", "renewedDateTime", "expirationDateTime", "securityIdentifier",
            "onPremisesDomainName", "onPremisesLastSyncDateTime", "onPremisesNetBiosName", "onPremisesProvisioningErrors",
            "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "serviceProvisioningErrors", "isArchived",
            "hasMembersWithLicenseErrors", "licenseProcessingState", "isManagementRestricted", "isFavorite", "isSubscribedByMail",
            "unseenCount", "unseenConversationsCount", "unseenMessagesCount",
        ],
    ]

    /// Properties whose permission GraphSync does not implement (`CustomSecAttributeAssignment.ReadWrite.All`): refused.
    static let unsupported: Set<String> = ["customSecurityAttributes"]

    /// Checks `body` as a `type` and returns its members without OData annotations and `…@odata.bind` references.
    static func checked(_ body: JSONObject, as type: String, allowing: Set<String> = []) throws -> [(String, JSONValue)] {
        let members = body.members.filter { !$0.0.hasPrefix("@odata.") && !$0.0.hasSuffix("@odata.bind") }
        if let name = members.first(where: { self.unsupported.contains($0.0) })?.0 {
            throw GraphError(
                .forbidden, code: "Authorization_RequestDenied",
                message: "Insufficient privileges to complete the operation. '\(name)' needs CustomSecAttributeAssignment.ReadWrite.All, which GraphSync does not grant.")
        }
        let refused = self.readOnly[type, default: []].subtracting(allowing)
        if let name = members.first(where: { refused.contains($0.0) })?.0 {
            throw GraphError.badRequest("Property '\(name)' is read-only and cannot be set.")
        }
        do {
            try self.shape.check(members, of: type)
        } catch {
            throw GraphError.badRequest(error.message)
        }
        return members
    }

    /// The ids referenced by `{navigation}@odata.bind` (absolute or relative `…/directoryObjects/{id}` URLs, as the SDKs
    /// and Terraform send them). A bind to a navigation the type does not have is refused.
    static func bindings(_ body: JSONObject, of type: String, allowed: Set<String>) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for (key, value) in body.members where key.hasSuffix("@odata.bind") {
            let navigation = String(key.dropLast("@odata.bind".count))
            guard allowed.contains(navigation) else {
                throw GraphError.badRequest("Property '\(key)' does not exist on type 'microsoft.graph.\(type)'; only \(allowed.sorted().map { "'\($0)@odata.bind'" }.joined(separator: ", ")) can be bound.")
            }
            let urls: [JSONValue] = value.arrayValue ?? [value]
            result[navigation, default: []] += try urls.map { try self.referencedId($0, in: key) }
        }
        return result
    }

    /// The object id at the end of a reference URL such as `https://graph.microsoft.com/v1.0/directoryObjects/{id}`.
    static func referencedId(_ value: JSONValue, in property: String) throws -> String {
        guard let text = value.stringValue else { throw GraphError.badRequest("Property '\(property)' must hold reference URLs (strings).") }
        let path = (URLComponents(string: text)?.path ?? text).split(separator: "/")
        let collections: Set<Substring> = ["directoryObjects", "users", "groups", "servicePrincipals", "applications"]
        guard path.count >= 2, let id = path.last, collections.contains(path[path.count - 2]), UUID(uuidString: String(id)) != nil else {
            throw GraphError.badRequest("Invalid reference '\(text.prefix(200))' in '\(property)': expected a URL ending in /directoryObjects/{id}.")
        }
        return id.lowercased()
    }

    /// Applies a create or PATCH body to an application (`passwordCredentials` only on create, where the caller turns
    /// them into secrets first).
    static func applyApplication(_ body: JSONObject, to app: inout GraphSyncCore.Application, creating: Bool = false) throws {
        var members = try self.checked(body, as: "application", allowing: creating ? ["passwordCredentials"] : [])
        members = try self.withKeyCredentials(members)
        if body.has("displayName") { app.displayName = try body.requiredString("displayName") }
        if body.has("description") { app.description = try body.string("description") }
        if let uris = try body.strings("identifierUris") { app.identifierUris = uris }
        if let tags = try body.strings("tags") { app.tags = tags }
        if body.has("notes") { app.notes = try body.string("notes") }
        if let audience = try body.string("signInAudience") {
            let allowed = ["AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"]
            guard allowed.contains(audience) else { throw GraphError.badRequest("Property 'signInAudience' must be one of \(allowed.joined(separator: ", ")).") }
            app.signInAudience = audience
        }
        if let roles = try body.objects("appRoles") { app.appRoles = try roles.map(self.appRole) }
        if let api = try body.object("api"), let scopes = try api.objects("oauth2PermissionScopes") {
            app.oauth2PermissionScopes = try scopes.map(self.permissionScope)
        }
        if let web = try body.object("web"), let uris = try web.strings("redirectUris") { app.webRedirectUris = uris }
        members.removeAll { ["displayName", "description", "identifierUris", "tags", "notes", "signInAudience", "appRoles", "passwordCredentials"].contains($0.0) }
        members = members.map { name, value in (name, self.without(name == "api" ? "oauth2PermissionScopes" : name == "web" ? "redirectUris" : nil, in: value)) }
        app.properties.members = self.shape.merge(members, into: app.properties.members, of: "application")
    }

    /// `members` with `keyCredentials` checked and filled in (`KeyCredentialInput`); `null` clears them.
    private static func withKeyCredentials(_ members: [(String, JSONValue)]) throws -> [(String, JSONValue)] {
        try members.map { name, value in
            name == "keyCredentials" ? (name, value == .null ? .array([]) : try KeyCredentialInput.entries(value)) : (name, value)
        }
    }

    /// Applies a create or PATCH body to a service principal (`appId` only on create, where the caller reads it first).
    static func applyServicePrincipal(_ body: JSONObject, to sp: inout ServicePrincipal, creating: Bool = false) throws {
        var members = try self.checked(body, as: "servicePrincipal", allowing: creating ? ["appId"] : [])
        if !creating, body.has("appId") { throw GraphError.badRequest("Property 'appId' is read-only and cannot be set.") }
        members = try self.withKeyCredentials(members)
        if body.has("displayName") { sp.displayName = try body.requiredString("displayName") }
        if let enabled = try body.bool("accountEnabled") { sp.accountEnabled = enabled }
        if let required = try body.bool("appRoleAssignmentRequired") { sp.appRoleAssignmentRequired = required }
        if let tags = try body.strings("tags") { sp.tags = tags }
        if body.has("notes") { sp.notes = try body.string("notes") }
        members.removeAll { ["appId", "displayName", "accountEnabled", "appRoleAssignmentRequired", "tags", "notes"].contains($0.0) }
        sp.properties.members = self.shape.merge(members, into: sp.properties.members, of: "servicePrincipal")
    }

    /// Group properties Graph takes on create only.
    static let groupCreateOnly: Set<String> = ["isAssignableToRole", "uniqueName"]

    /// Applies a create or PATCH body to a group.
    static func applyGroup(_ body: JSONObject, to group: inout Group, creating: Bool = false) throws {
        if !creating, let name = body.keys.first(where: self.groupCreateOnly.contains) {
            throw GraphError.badRequest("Property '\(name)' can be set only when the group is created.")
        }
        var members = try self.checked(body, as: "group")
        if body.has("displayName") { group.displayName = try body.requiredString("displayName") }
        if body.has("description") { group.description = try body.string("description") }
        if body.has("mailNickname") { group.mailNickname = try body.requiredString("mailNickname") }
        if let enabled = try body.bool("mailEnabled") { group.mailEnabled = enabled }
        if let enabled = try body.bool("securityEnabled") { group.securityEnabled = enabled }
        if let types = try body.strings("groupTypes") { group.groupTypes = types }
        members.removeAll { ["displayName", "description", "mailNickname", "mailEnabled", "securityEnabled", "groupTypes"].contains($0.0) }
        group.properties.members = self.shape.merge(members, into: group.properties.members, of: "group")
    }

    /// `value` without its member `name` (the typed part of a complex property).
    private static func without(_ name: String?, in value: JSONValue) -> JSONValue {
        guard let name, case .object(let members) = value else { return value }
        return .object(members.filter { $0.0 != name })
    }

    /// Applies a create or PATCH body to a user; `passwordProfile` is read separately (`password`) and never stored.
    static func applyUser(_ body: JSONObject, to user: inout User) throws {
        var members = try self.checked(body, as: "user")
        if let enabled = try body.bool("accountEnabled") { user.accountEnabled = enabled }
        if body.has("displayName") { user.displayName = try body.requiredString("displayName") }
        if body.has("mailNickname") { user.mailNickname = try body.requiredString("mailNickname") }
        if body.has("userPrincipalName") { user.userPrincipalName = try body.requiredString("userPrincipalName") }
        if body.has("givenName") { user.givenName = try body.string("givenName") }
        if body.has("surname") { user.surname = try body.string("surname") }
        if body.has("mail") { user.mail = try body.string("mail") }
        if body.has("jobTitle") { user.jobTitle = try body.string("jobTitle") }
        let typed: Set<String> = [
            "accountEnabled", "displayName", "mailNickname", "userPrincipalName", "givenName", "surname", "mail", "jobTitle", "passwordProfile",
        ]
        members.removeAll { typed.contains($0.0) }
        user.properties.members = self.shape.merge(members, into: user.properties.members, of: "user")
    }

    /// `passwordProfile.password`, if present.
    static func password(_ body: JSONObject) throws -> (password: String, forceChange: Bool)? {
        guard let profile = try body.object("passwordProfile") else { return nil }
        try profile.rejectUnknown(
            allowed: ["password", "forceChangePasswordNextSignIn", "forceChangePasswordNextSignInWithMfa"], resource: "passwordProfile")
        return (try profile.requiredString("password"), try profile.bool("forceChangePasswordNextSignIn") ?? false)
    }

    private static func appRole(_ body: JSONObject) throws -> AppRole {
        try body.rejectUnknown(allowed: ["id", "allowedMemberTypes", "description", "displayName", "isEnabled", "value", "origin"], resource: "appRole")
        let id = try body.requiredString("id")
        guard UUID(uuidString: id) != nil else { throw GraphError.badRequest("appRole id '\(id)' must be a GUID.") }
        let types = try body.strings("allowedMemberTypes") ?? []
        guard !types.isEmpty, types.allSatisfy(["User", "Application"].contains) else {
            throw GraphError.badRequest("appRole allowedMemberTypes must contain 'User' and/or 'Application'.")
        }
        return AppRole(
            id: id.lowercased(), allowedMemberTypes: types, description: try body.string("description"),
            displayName: try body.string("displayName"), isEnabled: try body.bool("isEnabled") ?? true, value: try body.string("value"))
    }

    private static func permissionScope(_ body: JSONObject) throws -> PermissionScope {
        try body.rejectUnknown(
            allowed: ["id", "value", "adminConsentDescription", "adminConsentDisplayName", "isEnabled", "type", "userConsentDescription",
                      "userConsentDisplayName", "origin"],
            resource: "permissionScope")
        let id = try body.requiredString("id")
        guard UUID(uuidString: id) != nil else { throw GraphError.badRequest("oauth2PermissionScope id '\(id)' must be a GUID.") }
        return PermissionScope(
            id: id.lowercased(), value: try body.requiredString("value"), adminConsentDescription: try body.string("adminConsentDescription"),
            adminConsentDisplayName: try body.string("adminConsentDisplayName"), isEnabled: try body.bool("isEnabled") ?? true,
            type: try body.string("type") ?? "User", userConsentDescription: try body.string("userConsentDescription"),
            userConsentDisplayName: try body.string("userConsentDisplayName"))
    }
}
