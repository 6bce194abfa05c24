import Foundation

extension DirectoryService {
    /// The delegated Graph permissions the console signs in with (granted for the organization when it is
    /// registered): what an administrator needs in Entra's Enterprise applications and Provisioning blades. What a
    /// signed-in person may actually do is still decided by their directory roles, as for any delegated token.
    public static let consoleScopes = [
        "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Synchronization.ReadWrite.All", "User.Read.All", "Group.Read.All",
        "ProvisioningLog.Read.All",
    ]

    /// Registers the console as a public client of the authority (PKCE, no secret) with exactly these redirect URIs
    /// (replacing those of earlier starts, so an address the server no longer listens on cannot receive its codes), and
    /// grants it `consoleScopes` for everyone; idempotent, so every node does it at start-up (a cluster's nodes share
    /// one `--public-url`).
    public func registerConsole(redirectUris: [String]) async throws {
        let graph = try await self.graphServicePrincipal()
        try await self.repositories.transaction { tx in
            let directory = self.within(tx)
            if let stored = try await tx.applications.get(appId: WellKnown.consoleAppId) {
                var application = stored
                // What sign-in reads from the registration is set afresh, so an edit made before it was read-only to
                // Graph (another redirect URI, a secret, public client flows) does not outlive this start.
                application.properties["publicClient"] = .object([("redirectUris", JSONValue(redirectUris))])
                application.properties["spa"] = nil
                application.properties["isFallbackPublicClient"] = nil
                application.webRedirectUris = []
                application.passwordCredentials = []
                if application != stored { try await tx.applications.update(application) }
                // The service principal's secrets would be client secrets too, and its grant is what the console may do.
                if var sp = try await tx.servicePrincipals.get(appId: WellKnown.consoleAppId) {
                    if !sp.passwordCredentials.isEmpty {
                        sp.passwordCredentials = []
                        try await tx.servicePrincipals.update(sp)
                    }
                    _ = try await directory.mergeDelegatedScopes(clientId: sp.id, resourceId: graph.id, scopes: Self.consoleScopes)
                }
            } else {
                var application = Application(
                    id: Identifiers.objectId(), appId: WellKnown.consoleAppId, displayName: "GraphSync Console", createdDateTime: Date())
                application.properties["publicClient"] = .object([("redirectUris", JSONValue(redirectUris))])
                _ = try await directory.createApplication(application, owner: nil)
                let sp = try await directory.createServicePrincipal(appId: WellKnown.consoleAppId, owner: nil)
                _ = try await directory.mergeDelegatedScopes(clientId: sp.id, resourceId: graph.id, scopes: Self.consoleScopes)
            }
        }
    }
}
