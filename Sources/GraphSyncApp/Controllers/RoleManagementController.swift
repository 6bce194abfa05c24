import GraphSyncCore
import Hummingbird

/// `/roleManagement/directory`: directory role definitions and assignments (what feeds `wids`).
struct RoleManagementController {
    let services: GraphServices
    static let base = "roleManagement/directory"

    func addRoutes(to routes: GraphRoutes) {
        routes.get("\(Self.base)/roleDefinitions", self.listDefinitions)
        routes.get("\(Self.base)/roleAssignments", self.list)
        routes.post("\(Self.base)/roleAssignments", self.create)
        routes.get("\(Self.base)/roleAssignments/:id", self.get)
        routes.delete("\(Self.base)/roleAssignments/:id", self.delete)
    }

    @Sendable func listDefinitions(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readRoleAssignments)
        return try self.services.odata(request).collection(
            DirectoryRoleTemplate.all.map(DirectoryJSON.roleDefinition), context: "roleManagement/directory/roleDefinitions")
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readRoleAssignments)
        let query = try ODataQuery(request)
        let assignments = try await self.services.repositories.roleAssignments.list(DirectoryQuery(clauses: query.clauses))
        return try self.services.odata(request).collection(
            assignments.map(DirectoryJSON.roleAssignment), context: "roleManagement/directory/roleAssignments", select: query.select)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageRoleAssignments)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["roleDefinitionId", "principalId", "directoryScopeId", "appScopeId"], resource: "unifiedRoleAssignment")
        if try body.string("appScopeId") != nil {
            throw GraphError.badRequest("Only tenant-wide assignments (directoryScopeId '/') are supported; appScopeId is not.")
        }
        let assignment = try await self.services.directory.assignDirectoryRole(
            principalId: try body.requiredString("principalId"), roleDefinitionId: try body.requiredString("roleDefinitionId"),
            directoryScopeId: try body.string("directoryScopeId") ?? "/")
        return try self.services.odata(request).entity(
            DirectoryJSON.roleAssignment(assignment), context: "roleManagement/directory/roleAssignments/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readRoleAssignments)
        let id = try request.parameter("id", context)
        guard let assignment = try await self.services.repositories.roleAssignments.get(id: id) else { throw GraphError.notFound(id) }
        return try self.services.odata(request).entity(
            DirectoryJSON.roleAssignment(assignment), context: "roleManagement/directory/roleAssignments/$entity")
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageRoleAssignments)
        let id = try request.parameter("id", context)
        guard try await self.services.repositories.roleAssignments.delete(id: id) else { throw GraphError.notFound(id) }
        return GraphResponse.noContent()
    }
}
