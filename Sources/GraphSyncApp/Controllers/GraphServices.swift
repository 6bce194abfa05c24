import GraphSyncCore
import Hummingbird

/// What the Graph controllers share: the directory, its repositories, and how to address this server.
struct GraphServices: Sendable {
    let directory: DirectoryService
    /// This server's names, for `@odata.context` and `@odata.nextLink` (never taken from an unknown Host header).
    let endpoints: AuthorityEndpoints

    var repositories: Repositories { self.directory.repositories }

    func odata(_ request: Request) -> ODataResponse { ODataResponse(request: request, baseURL: self.endpoints.baseURL(for: request)) }

    /// The summary of the calling principal, who becomes owner of what it creates.
    func callerPrincipal(_ context: AuthenticatedContext) async throws -> DirectoryObjectSummary? {
        try await self.directory.principal(id: context.caller.objectId)
    }

    func application(_ key: String) async throws -> GraphSyncCore.Application {
        let found: GraphSyncCore.Application? =
            if let appId = Self.alternateKey(key, "appId") {
                try await self.repositories.applications.get(appId: appId)
            } else {
                try await self.repositories.applications.get(id: key)
            }
        guard let found else { throw GraphError.notFound(key) }
        return found
    }

    func servicePrincipal(_ key: String) async throws -> ServicePrincipal {
        let found: ServicePrincipal? =
            if let appId = Self.alternateKey(key, "appId") {
                try await self.repositories.servicePrincipals.get(appId: appId)
            } else {
                try await self.repositories.servicePrincipals.get(id: key)
            }
        guard let found else { throw GraphError.notFound(key) }
        return found
    }

    func user(_ key: String) async throws -> User {
        let found = key.contains("@")
            ? try await self.repositories.users.get(userPrincipalName: key) : try await self.repositories.users.get(id: key)
        guard let found else { throw GraphError.notFound(key) }
        return found
    }

    /// `appId=X` (from `(appId='X')`) → `X`.
    static func alternateKey(_ key: String, _ name: String) -> String? {
        let prefix = name + "="
        guard key.lowercased().hasPrefix(prefix.lowercased()) else { return nil }
        return String(key.dropFirst(prefix.count))
    }

    /// The object id at the end of an `@odata.id` reference URL (`…/directoryObjects/{id}`).
    static func referencedId(_ body: JSONObject) throws -> String {
        _ = try body.requiredString("@odata.id")
        return try DirectoryInput.referencedId(body["@odata.id"] ?? .null, in: "@odata.id")
    }
}

extension Request {
    /// A path parameter that the router guarantees.
    func parameter(_ name: String, _ context: AuthenticatedContext) throws -> String {
        guard let value = context.parameters.get(name) else { throw GraphError.badRequest("Missing path segment '\(name)'.") }
        return value.removingPercentEncoding ?? value
    }
}

import Foundation
