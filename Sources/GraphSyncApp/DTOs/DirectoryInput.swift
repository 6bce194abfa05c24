import Foundation
import GraphSyncCore

/// Reads writable directory properties from request bodies, rejecting unknown and read-only ones by name.
enum DirectoryInput {
    static let readOnly: Set<String> = ["id", "appId", "createdDateTime", "deletedDateTime", "publisherDomain", "passwordCredentials", "keyCredentials"]

    static func applyApplication(_ body: JSONObject, to app: inout GraphSyncCore.Application) throws {
        try self.rejectReadOnly(body, allowing: [])
        try body.rejectUnknown(
            allowed: ["displayName", "description", "identifierUris", "tags", "notes", "signInAudience", "appRoles", "api", "web"],
            resource: "application")
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
    }

    static func applyServicePrincipal(_ body: JSONObject, to sp: inout ServicePrincipal) throws {
        try self.rejectReadOnly(body, allowing: ["appId"])
        try body.rejectUnknown(
            allowed: ["appId", "displayName", "accountEnabled", "appRoleAssignmentRequired", "tags", "notes"], resource: "servicePrincipal")
        if body.has("displayName") { sp.displayName = try body.requiredString("displayName") }
        if let enabled = try body.bool("accountEnabled") { sp.accountEnabled = enabled }
        if let required = try body.bool("appRoleAssignmentRequired") { sp.appRoleAssignmentRequired = required }
        if let tags = try body.strings("tags") { sp.tags = tags }
        if body.has("notes") { sp.notes = try body.string("notes") }
    }

    static let userProperties: Set<String> = [
        "accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile", "givenName", "surname", "mail", "jobTitle",
    ]

    static func applyUser(_ body: JSONObject, to user: inout User) throws {
        try self.rejectReadOnly(body, allowing: [])
        try body.rejectUnknown(allowed: self.userProperties, resource: "user")
        if let enabled = try body.bool("accountEnabled") { user.accountEnabled = enabled }
        if body.has("displayName") { user.displayName = try body.requiredString("displayName") }
        if body.has("mailNickname") { user.mailNickname = try body.requiredString("mailNickname") }
        if body.has("userPrincipalName") { user.userPrincipalName = try body.requiredString("userPrincipalName") }
        if body.has("givenName") { user.givenName = try body.string("givenName") }
        if body.has("surname") { user.surname = try body.string("surname") }
        if body.has("mail") { user.mail = try body.string("mail") }
        if body.has("jobTitle") { user.jobTitle = try body.string("jobTitle") }
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

    private static func rejectReadOnly(_ body: JSONObject, allowing: Set<String>) throws {
        for key in body.keys where self.readOnly.contains(key) && !allowing.contains(key) {
            throw GraphError.badRequest("Property '\(key)' is read-only and cannot be set.")
        }
    }
}
