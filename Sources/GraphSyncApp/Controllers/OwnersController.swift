import GraphSyncCore
import Hummingbird

/// `…/{id}/owners`, `…/owners/$ref` and `…/owners/{ownerId}/$ref` of applications, service principals and groups.
struct OwnersController {
    let services: GraphServices
    let collection: String
    /// Who may list the owners, and who may change them.
    var read = GraphPolicies.readApplications
    var manage = GraphPolicies.manageOwners
    /// Resolves the path key (`id` or `appId=…`) to the object id.
    let resolve: @Sendable (String) async throws -> String

    func addRoutes(to routes: GraphRoutes) {
        routes.get("\(self.collection)/:id/owners", self.list)
        routes.post("\(self.collection)/:id/owners/$ref", self.add)
        routes.delete("\(self.collection)/:id/owners/:ownerId/$ref", self.remove)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try await self.resolve(try request.parameter("id", context))
        try await context.authorize(self.read, objectId: id, owners: self.services.repositories.owners)
        let owners = try await self.services.repositories.owners.owners(of: id)
        return try self.services.odata(request).collection(owners.map(DirectoryJSON.directoryObject), context: "directoryObjects")
    }

    @Sendable func add(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try await self.resolve(try request.parameter("id", context))
        try await context.authorize(self.manage, objectId: id, owners: self.services.repositories.owners)
        try await self.services.directory.refuseChangeToBuiltIn(objectId: id)
        let body = try await RequestBody.object(request, context: context)
        let ownerId = try GraphServices.referencedId(body)
        guard let owner = try await self.services.directory.principal(id: ownerId) else { throw GraphError.notFound(ownerId) }
        guard owner.type != .group else { throw GraphError.badRequest("Owners must be users or service principals, not groups.") }
        guard try await self.services.repositories.owners.add(owner: owner, to: id) else {
            throw GraphError.badRequest(
                "One or more added object references already exist for the following modified properties: 'owners'.")
        }
        return GraphResponse.noContent()
    }

    @Sendable func remove(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try await self.resolve(try request.parameter("id", context))
        try await context.authorize(self.manage, objectId: id, owners: self.services.repositories.owners)
        try await self.services.directory.refuseChangeToBuiltIn(objectId: id)
        let ownerId = try request.parameter("ownerId", context)
        guard try await self.services.repositories.owners.remove(ownerId: ownerId, from: id) else { throw GraphError.notFound(ownerId) }
        return GraphResponse.noContent()
    }
}
