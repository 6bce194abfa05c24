import Foundation
import GraphSyncCore
import Hummingbird

/// `/servicePrincipals`: enterprise apps, their secrets, owners and app role grants.
struct ServicePrincipalsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("servicePrincipals", self.list)
        routes.get("servicePrincipals/$count", self.list)
        routes.post("servicePrincipals", self.create)
        routes.get("servicePrincipals/:id", self.get)
        routes.patch("servicePrincipals/:id", self.update)
        routes.delete("servicePrincipals/:id", self.delete)
        OwnersController(services: self.services, collection: "servicePrincipals") { try await self.services.servicePrincipal($0).id }
            .addRoutes(to: routes)
        PasswordCredentialsController(
            services: self.services, collection: "servicePrincipals", resolve: { try await self.services.servicePrincipal($0).id },
            add: { try await self.services.directory.addPassword(toServicePrincipal: $0, $1) },
            remove: { try await self.services.directory.removePassword(fromServicePrincipal: $0, keyId: $1) }
        ).addRoutes(to: routes)
        AppRoleAssignmentsController(services: self.services).addRoutes(to: routes)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try context.accessScope(GraphPolicies.readApplications)
        let query = try ODataQuery(request, orderable: true)
        let page = try await self.services.repositories.servicePrincipals.list(
            query.directoryQuery(within: scope))
        return try self.services.odata(request).collection(
            page.items.map(DirectoryJSON.servicePrincipal), context: "servicePrincipals", select: query.select, next: page.next, count: page.count)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try context.accessScope(GraphPolicies.createApplications)
        let body = try await RequestBody.object(request, context: context)
        let appId = try body.requiredString("appId")
        let bound = try DirectoryInput.bindings(body, of: "servicePrincipal", allowed: ["owners"])
        let created = try await self.services.directory.createServicePrincipal(
            appId: appId, overrides: { try DirectoryInput.applyServicePrincipal(body, to: &$0, creating: true) },
            owner: try await self.services.callerPrincipal(context), boundOwners: bound["owners"] ?? [], within: scope)
        return try self.services.odata(request).entity(
            DirectoryJSON.servicePrincipal(created), context: "servicePrincipals/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let sp = try await self.services.servicePrincipal(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.readApplications, objectId: sp.id, owners: self.services.repositories.owners)
        let query = try ODataQuery(request)
        return try self.services.odata(request).entity(DirectoryJSON.servicePrincipal(sp), context: "servicePrincipals/$entity", select: query.select)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let sp = try await self.services.servicePrincipal(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: sp.id, owners: self.services.repositories.owners)
        let body = try await RequestBody.object(request, context: context)
        if let appId = try body.string("appId"), appId.lowercased() != sp.appId.lowercased() {
            throw GraphError.badRequest("Property 'appId' is read-only and cannot be changed.")
        }
        _ = try DirectoryInput.bindings(body, of: "servicePrincipal", allowed: [])  // Graph binds owners on create only
        try await self.services.directory.changeServicePrincipal(sp.id) { try DirectoryInput.applyServicePrincipal(body, to: &$0) }
        return GraphResponse.noContent()
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let sp = try await self.services.servicePrincipal(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: sp.id, owners: self.services.repositories.owners)
        guard sp.appId != WellKnown.graphAppId else { throw GraphError.badRequest("The Microsoft Graph service principal cannot be deleted.") }
        try await self.services.directory.deleteServicePrincipal(sp)
        return GraphResponse.noContent()
    }
}
