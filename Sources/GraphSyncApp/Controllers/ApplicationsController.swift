import Foundation
import GraphSyncCore
import Hummingbird

/// `/applications`: registrations, their secrets (addPassword/removePassword) and owners.
struct ApplicationsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("applications", self.list)
        routes.get("applications/$count", self.list)
        routes.post("applications", self.create)
        routes.get("applications/:id", self.get)
        routes.patch("applications/:id", self.update)
        routes.delete("applications/:id", self.delete)
        OwnersController(services: self.services, collection: "applications") { try await self.services.application($0).id }
            .addRoutes(to: routes)
        PasswordCredentialsController(
            services: self.services, collection: "applications", resolve: { try await self.services.application($0).id },
            add: { try await self.services.directory.addPassword(toApplication: $0, $1) },
            remove: { try await self.services.directory.removePassword(fromApplication: $0, keyId: $1) }
        ).addRoutes(to: routes)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try context.accessScope(GraphPolicies.readApplications)
        let query = try ODataQuery(request, orderable: true)
        let page = try await self.services.repositories.applications.list(
            query.directoryQuery(within: scope))
        return try self.services.odata(request).collection(
            page.items.map(DirectoryJSON.application), context: "applications", select: query.select, next: page.next, count: page.count)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try context.accessScope(GraphPolicies.createApplications)
        let body = try await RequestBody.object(request, context: context)
        var draft = GraphSyncCore.Application(id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: "", createdDateTime: Date())
        guard body.has("displayName") else { throw GraphError.badRequest("Property 'displayName' is required.") }
        try DirectoryInput.applyApplication(body, to: &draft)
        let bound = try DirectoryInput.bindings(body, of: "application", allowed: ["owners"])
        let created = try await self.services.directory.createApplication(
            draft, owner: try await self.services.callerPrincipal(context), boundOwners: bound["owners"] ?? [], within: scope)
        return try self.services.odata(request).entity(DirectoryJSON.application(created), context: "applications/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.readApplications, objectId: application.id, owners: self.services.repositories.owners)
        let query = try ODataQuery(request)
        return try self.services.odata(request).entity(DirectoryJSON.application(application), context: "applications/$entity", select: query.select)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: application.id, owners: self.services.repositories.owners)
        let body = try await RequestBody.object(request, context: context)
        // The body is applied to the stored object inside the transaction, so a concurrent addPassword or removePassword
        // (which PATCH cannot touch) is neither lost nor brought back.
        _ = try DirectoryInput.bindings(body, of: "application", allowed: [])  // Graph binds owners on create only
        try await self.services.directory.changeApplication(application.id) { try DirectoryInput.applyApplication(body, to: &$0) }
        return GraphResponse.noContent()
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: application.id, owners: self.services.repositories.owners)
        try await self.services.directory.deleteApplication(application)
        return GraphResponse.noContent()
    }
}
