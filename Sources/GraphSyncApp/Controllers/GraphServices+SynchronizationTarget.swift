import GraphSyncCore
import Hummingbird

/// The object a `…/{id}/synchronization` route addresses: a service principal, or an application standing for its
/// service principal (the same routes exist under `servicePrincipals` and `applications`).
struct SynchronizationTarget: Sendable {
    /// `servicePrincipals` or `applications`, as in the request path.
    var collection: String
    /// The id of the object in the path.
    var pathId: String
    var servicePrincipal: ServicePrincipal

    /// `servicePrincipals('…')/synchronization`, the start of this target's `@odata.context` paths.
    var contextPath: String { "\(self.collection)('\(self.pathId)')/synchronization" }
}

extension GraphServices {
    /// Resolves `{collection}/{id}` (a service principal, or an application standing for its service principal) and
    /// enforces `policy`; owners of either object count as owners.
    func synchronizationTarget(_ request: Request, _ context: AuthenticatedContext, collection: String, policy: AccessPolicy) async throws -> SynchronizationTarget {
        let key = try request.parameter("id", context)
        let owners = self.repositories.owners
        if collection == "applications" {
            let application = try await self.application(key)
            guard let sp = try await self.repositories.servicePrincipals.get(appId: application.appId) else {
                throw GraphError(
                    .notFound, code: "Request_ResourceNotFound",
                    message: "Application '\(application.id)' has no service principal in this tenant; create one with POST /servicePrincipals {\"appId\":\"\(application.appId)\"}.")
            }
            guard try await policy.permits(context.caller, ownerIds: {
                try await owners.ownerIds(of: application.id).union(try await owners.ownerIds(of: sp.id))
            }) else { throw GraphError.forbidden(policy, context.caller) }
            return SynchronizationTarget(collection: collection, pathId: application.id, servicePrincipal: sp)
        }
        let sp = try await self.servicePrincipal(key)
        try await context.authorize(policy, objectId: sp.id, owners: owners)
        return SynchronizationTarget(collection: collection, pathId: sp.id, servicePrincipal: sp)
    }
}
