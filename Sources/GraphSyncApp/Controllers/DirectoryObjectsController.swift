import GraphSyncCore
import Hummingbird

/// `GET /directoryObjects/{id}`: any user, group, service principal or application, led by its `@odata.type`
/// (Terraform's provider reads owners this way and sorts them by type), under the read policy of that type. A caller
/// may always read itself; an object it may not read is "not found", so the answer does not tell what exists.
struct DirectoryObjectsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("directoryObjects/:id", self.get)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try request.parameter("id", context).lowercased()
        let repositories = self.services.repositories
        let owners = repositories.owners
        let caller = context.caller
        func readable(_ policy: AccessPolicy, _ objectId: String) async throws -> Bool {
            if objectId == caller.objectId { return true }
            return try await policy.permits(caller, ownerIds: { try await owners.ownerIds(of: objectId) })
        }
        var object: JSONValue?
        if let user = try await repositories.users.get(id: id) {
            if try await readable(GraphPolicies.readUsers, user.id) { object = DirectoryJSON.typed("user", DirectoryJSON.user(user)) }
        } else if let group = try await repositories.groups.get(id: id) {
            if try await readable(GraphPolicies.readGroups, group.id) { object = DirectoryJSON.typed("group", DirectoryJSON.group(group)) }
        } else if let sp = try await repositories.servicePrincipals.get(id: id) {
            if try await readable(GraphPolicies.readApplications, sp.id) {
                object = DirectoryJSON.typed("servicePrincipal", DirectoryJSON.servicePrincipal(sp))
            }
        } else if let application = try await repositories.applications.get(id: id) {
            if try await readable(GraphPolicies.readApplications, application.id) {
                object = DirectoryJSON.typed("application", DirectoryJSON.application(application))
            }
        }
        guard let object else { throw GraphError.notFound(id) }
        return try self.services.odata(request).entity(object, context: "directoryObjects/$entity", select: try ODataQuery(request).select)
    }
}
