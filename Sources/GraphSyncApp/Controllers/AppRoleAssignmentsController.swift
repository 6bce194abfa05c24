import GraphSyncCore
import Hummingbird

/// App role grants, from both ends: `servicePrincipals/{resource}/appRoleAssignedTo` (who holds this app's roles)
/// and `servicePrincipals|users/{principal}/appRoleAssignments` (which roles this principal holds).
struct AppRoleAssignmentsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("servicePrincipals/:id/appRoleAssignedTo", self.listAssignedTo)
        routes.post("servicePrincipals/:id/appRoleAssignedTo", self.createAssignedTo)
        routes.get("servicePrincipals/:id/appRoleAssignedTo/:assignmentId", self.getAssignedTo)
        routes.delete("servicePrincipals/:id/appRoleAssignedTo/:assignmentId", self.deleteAssignedTo)
        routes.get("servicePrincipals/:id/oauth2PermissionGrants", self.listPermissionGrants)
        for collection in ["servicePrincipals", "users"] {
            routes.get("\(collection)/:id/appRoleAssignments", { try await self.listAssignments($0, $1, collection: collection) })
            routes.post("\(collection)/:id/appRoleAssignments", { try await self.createAssignment($0, $1, collection: collection) })
            routes.delete("\(collection)/:id/appRoleAssignments/:assignmentId", { try await self.deleteAssignment($0, $1, collection: collection) })
        }
    }

    // MARK: resource side

    @Sendable func listAssignedTo(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGrants)
        let resource = try await self.services.servicePrincipal(try request.parameter("id", context))
        let assignments = try await self.services.repositories.appRoleAssignments.list(resourceId: resource.id)
        return try self.services.odata(request).collection(
            assignments.map(DirectoryJSON.appRoleAssignment), context: "servicePrincipals('\(resource.id)')/appRoleAssignedTo")
    }

    @Sendable func createAssignedTo(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageAppRoleAssignments)
        let resource = try await self.services.servicePrincipal(try request.parameter("id", context))
        let (principalId, resourceId, appRoleId) = try await self.assignmentBody(request, context: context)
        guard resourceId.lowercased() == resource.id else {
            throw GraphError.badRequest("Property 'resourceId' must be the id of the service principal in the request URL.")
        }
        let assignment = try await self.services.directory.assignAppRole(principalId: principalId, resourceId: resource.id, appRoleId: appRoleId)
        return try self.services.odata(request).entity(
            DirectoryJSON.appRoleAssignment(assignment), context: "servicePrincipals('\(resource.id)')/appRoleAssignedTo/$entity",
            status: .created)
    }

    @Sendable func getAssignedTo(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGrants)
        let resource = try await self.services.servicePrincipal(try request.parameter("id", context))
        let id = try request.parameter("assignmentId", context)
        guard let assignment = try await self.services.repositories.appRoleAssignments.get(id: id), assignment.resourceId == resource.id else {
            throw GraphError.notFound(id)
        }
        return try self.services.odata(request).entity(
            DirectoryJSON.appRoleAssignment(assignment), context: "servicePrincipals('\(resource.id)')/appRoleAssignedTo/$entity")
    }

    @Sendable func deleteAssignedTo(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageAppRoleAssignments)
        let resource = try await self.services.servicePrincipal(try request.parameter("id", context))
        let id = try request.parameter("assignmentId", context)
        guard let assignment = try await self.services.repositories.appRoleAssignments.get(id: id), assignment.resourceId == resource.id else {
            throw GraphError.notFound(id)
        }
        _ = try await self.services.repositories.appRoleAssignments.delete(id: id)
        return GraphResponse.noContent()
    }

    @Sendable func listPermissionGrants(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGrants)
        let client = try await self.services.servicePrincipal(try request.parameter("id", context))
        let grants = try await self.services.repositories.permissionGrants.list(DirectoryQuery(clauses: [.equals(field: "clientId", value: client.id)]))
        return try self.services.odata(request).collection(grants.map(DirectoryJSON.permissionGrant), context: "oauth2PermissionGrants")
    }

    // MARK: principal side

    func listAssignments(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        try context.demand(GraphPolicies.readGrants)
        let principalId = try await self.principalId(request, context, collection: collection)
        let assignments = try await self.services.repositories.appRoleAssignments.list(principalId: principalId)
        return try self.services.odata(request).collection(
            assignments.map(DirectoryJSON.appRoleAssignment), context: "\(collection)('\(principalId)')/appRoleAssignments")
    }

    func createAssignment(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        try context.demand(GraphPolicies.manageAppRoleAssignments)
        let principalId = try await self.principalId(request, context, collection: collection)
        let (bodyPrincipal, resourceId, appRoleId) = try await self.assignmentBody(request, context: context)
        guard bodyPrincipal.lowercased() == principalId else {
            throw GraphError.badRequest("Property 'principalId' must be the id of the \(collection == "users" ? "user" : "service principal") in the request URL.")
        }
        let assignment = try await self.services.directory.assignAppRole(principalId: principalId, resourceId: resourceId, appRoleId: appRoleId)
        return try self.services.odata(request).entity(
            DirectoryJSON.appRoleAssignment(assignment), context: "\(collection)('\(principalId)')/appRoleAssignments/$entity", status: .created)
    }

    func deleteAssignment(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        try context.demand(GraphPolicies.manageAppRoleAssignments)
        let principalId = try await self.principalId(request, context, collection: collection)
        let id = try request.parameter("assignmentId", context)
        guard let assignment = try await self.services.repositories.appRoleAssignments.get(id: id), assignment.principalId == principalId else {
            throw GraphError.notFound(id)
        }
        _ = try await self.services.repositories.appRoleAssignments.delete(id: id)
        return GraphResponse.noContent()
    }

    private func principalId(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> String {
        let key = try request.parameter("id", context)
        return collection == "users" ? try await self.services.user(key).id : try await self.services.servicePrincipal(key).id
    }

    private func assignmentBody(_ request: Request, context: AuthenticatedContext) async throws -> (String, String, String) {
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["principalId", "resourceId", "appRoleId", "principalType"], resource: "appRoleAssignment")
        return (try body.requiredString("principalId"), try body.requiredString("resourceId"), try body.requiredString("appRoleId"))
    }
}
