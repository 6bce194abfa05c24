import Foundation

extension DirectoryService {
    /// The delegated Graph permissions the console signs in with (granted for the organization when it is
    /// registered): what an administrator needs in Entra's Enterprise applications and Provisioning blades. What a
    /// signed-in person may actually do is still decided by their directory roles, as for any delegated token.
    public static let consoleScopes = [
        "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Synchronization.ReadWrite.All", "User.Read.All", "Group.Read.All",
        "ProvisioningLog.Read.All",
    ]

    /// Registers the console as a public client of the authority (PKCE, no secret) with these redirect URIs, and grants
    /// it `consoleScopes` for everyone; idempotent, so every node does it at start-up.
    public func registerConsole(redirectUris: [String]) async throws {
        let graph = try await self.graphServicePrincipal()
        try await self.repositories.transaction { tx in
            let directory = self.within(tx)
            if var application = try await tx.applications.get(appId: WellKnown.consoleAppId) {
                let registered = application.properties["publicClient"]?["redirectUris"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let all = registered + redirectUris.filter { !registered.contains($0) }
                guard all != registered else { return }
                application.properties["publicClient"] = .object([("redirectUris", JSONValue(all))])
                try await tx.applications.update(application)
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
