import GraphSyncCore
import Hummingbird

/// `/oauth2PermissionGrants`: delegated consent (which scopes a client may use on behalf of users).
struct PermissionGrantsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("oauth2PermissionGrants", self.list)
        routes.post("oauth2PermissionGrants", self.create)
        routes.get("oauth2PermissionGrants/:id", self.get)
        routes.patch("oauth2PermissionGrants/:id", self.update)
        routes.delete("oauth2PermissionGrants/:id", self.delete)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGrants)
        let query = try ODataQuery(request)
        let grants = try await self.services.repositories.permissionGrants.list(DirectoryQuery(clauses: query.clauses))
        return try self.services.odata(request).collection(grants.map(DirectoryJSON.permissionGrant), context: "oauth2PermissionGrants")
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.managePermissionGrants)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["clientId", "consentType", "principalId", "resourceId", "scope"], resource: "oAuth2PermissionGrant")
        let consentType = try body.requiredString("consentType")
        guard consentType == "AllPrincipals" else {
            throw GraphError.badRequest("Only consentType 'AllPrincipals' (admin consent) is supported.")
        }
        let scopes = try body.requiredString("scope").split(separator: " ").map(String.init)
        let grant = try await self.services.directory.grantDelegatedScopes(
            clientId: try body.requiredString("clientId"), resourceId: try body.requiredString("resourceId"), scopes: scopes)
        return try self.services.odata(request).entity(DirectoryJSON.permissionGrant(grant), context: "oauth2PermissionGrants/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGrants)
        let id = try request.parameter("id", context)
        guard let grant = try await self.services.repositories.permissionGrants.get(id: id) else { throw GraphError.notFound(id) }
        return try self.services.odata(request).entity(DirectoryJSON.permissionGrant(grant), context: "oauth2PermissionGrants/$entity")
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.managePermissionGrants)
        let id = try request.parameter("id", context)
        guard var grant = try await self.services.repositories.permissionGrants.get(id: id) else { throw GraphError.notFound(id) }
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["scope"], resource: "oAuth2PermissionGrant")
        let scopes = try body.requiredString("scope").split(separator: " ").map(String.init)
        let resource = try await self.services.servicePrincipal(grant.resourceId)
        let published = Set(resource.oauth2PermissionScopes.map(\.value))
        if let unknown = scopes.first(where: { !published.contains($0) }) {
            throw GraphError.badRequest("Scope '\(unknown)' is not a delegated permission of '\(resource.displayName)'.")
        }
        grant.scope = scopes.joined(separator: " ")
        try await self.services.repositories.permissionGrants.update(grant)
        return GraphResponse.noContent()
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.managePermissionGrants)
        let id = try request.parameter("id", context)
        guard try await self.services.repositories.permissionGrants.delete(id: id) else { throw GraphError.notFound(id) }
        return GraphResponse.noContent()
    }
}
