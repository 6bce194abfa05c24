import GraphSyncCore
import Hummingbird

/// `GET /directoryObjects/{id}`: any user, group, service principal or application, led by its `@odata.type`
/// (Terraform's provider reads owners this way and sorts them by type), under the read policy of that type.
struct DirectoryObjectsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("directoryObjects/:id", self.get)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try request.parameter("id", context).lowercased()
        let repositories = self.services.repositories
        let object: JSONValue
        if let user = try await repositories.users.get(id: id) {
            try context.demand(GraphPolicies.readUsers)
            object = DirectoryJSON.typed("user", DirectoryJSON.user(user))
        } else if let group = try await repositories.groups.get(id: id) {
            try context.demand(GraphPolicies.readGroups)
            object = DirectoryJSON.typed("group", DirectoryJSON.group(group))
        } else if let sp = try await repositories.servicePrincipals.get(id: id) {
            try await context.authorize(GraphPolicies.readApplications, objectId: sp.id, owners: repositories.owners)
            object = DirectoryJSON.typed("servicePrincipal", DirectoryJSON.servicePrincipal(sp))
        } else if let application = try await repositories.applications.get(id: id) {
            try await context.authorize(GraphPolicies.readApplications, objectId: application.id, owners: repositories.owners)
            object = DirectoryJSON.typed("application", DirectoryJSON.application(application))
        } else {
            throw GraphError.notFound(id)
        }
        return try self.services.odata(request).entity(object, context: "directoryObjects/$entity", select: try ODataQuery(request).select)
    }
}
