import Foundation
import GraphSyncAuthority
import GraphSyncCore

extension GraphSyncRuntime {
    /// Issues an access token exactly as the token endpoint would (for the `token` command).
    public func issueToken(clientId: String, clientSecret: String, username: String?, password: String?, scope: String?) async throws -> String {
        let audience = self.configuration.cloud.graphResource
        let authority = AuthorityService(directory: self.directory, graphAudience: audience)
        let grant: AccessTokenGrant
        if let username, let password {
            grant = try await authority.password(
                clientId: clientId, clientSecret: clientSecret, username: username, password: password, scope: scope ?? "\(audience)/.default",
                address: .commandLine)
        } else {
            grant = try await authority.clientCredentials(clientId: clientId, clientSecret: clientSecret, scope: scope ?? "\(audience)/.default")
        }
        let keyRing = try await SigningKeyRing.load(from: self.repositories.tenants, cipher: self.cipher)
        let endpoints = AuthorityEndpoints(
            scheme: self.configuration.scheme, host: self.configuration.host, port: self.configuration.port, tenantId: self.tenant.id,
            publicURL: self.configuration.publicURL)
        let issuer = endpoints.canonicalIssuer
        return try await TokenMinter(keyRing: keyRing).mint(grant, issuer: issuer).accessToken
    }

    /// A new application with its service principal and a client secret, granted Graph application permissions.
    public func createApplication(displayName: String, permissions: [GraphPermission]) async throws
        -> (application: GraphSyncCore.Application, servicePrincipal: ServicePrincipal, secret: String)
    {
        let directory = self.directory
        let application = try await directory.createApplication(
            GraphSyncCore.Application(id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: displayName, createdDateTime: Date()),
            owner: nil)
        let sp = try await directory.createServicePrincipal(appId: application.appId, owner: nil)
        let password = try directory.makePassword(displayName: "graphsync cli", startDateTime: nil, endDateTime: nil)
        try await directory.addPassword(toApplication: application.id, password)
        try await directory.grantGraphAppRoles(permissions, to: sp.id)
        return (application, sp, password.secretText)
    }

    /// Grants Graph application permissions to the service principal of `appId`.
    public func grantApplicationPermissions(appId: String, permissions: [GraphPermission]) async throws {
        guard let sp = try await self.repositories.servicePrincipals.get(appId: appId) else { throw DirectoryError.notFound(id: appId) }
        try await self.directory.grantGraphAppRoles(permissions, to: sp.id)
    }

    /// Ends a user's sign-in lockouts on every node (`graphsync user unlock`), by user principal name or object id.
    public func unlockUser(_ nameOrId: String) async throws -> User {
        let users = self.repositories.users
        var user = try await users.get(userPrincipalName: nameOrId)
        if user == nil { user = try await users.get(id: nameOrId) }
        guard let user else { throw DirectoryError.notFound(id: nameOrId) }
        try await AuthorityService(directory: self.directory, graphAudience: self.configuration.cloud.graphResource).unlock(user)
        return user
    }

    /// A new user with a password and, optionally, directory roles.
    public func createUser(userPrincipalName: String, displayName: String, password: String, roles: [DirectoryRoleTemplate]) async throws -> User {
        let directory = self.directory
        let nickname = String(userPrincipalName.split(separator: "@").first ?? "")
        let user = try await directory.createUser(
            User(id: Identifiers.objectId(), userPrincipalName: userPrincipalName, displayName: displayName, mailNickname: nickname,
                 createdDateTime: Date()),
            password: password)
        for role in roles { _ = try await directory.assignDirectoryRole(principalId: user.id, roleDefinitionId: role.id) }
        return user
    }
}
