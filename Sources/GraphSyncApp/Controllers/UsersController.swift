import Foundation
import GraphSyncCore
import Hummingbird

/// `/users`: directory users with passwords (the people who sign in for delegated tokens).
struct UsersController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("users", self.list)
        routes.post("users", self.create)
        routes.get("users/:id", self.get)
        routes.patch("users/:id", self.update)
        routes.delete("users/:id", self.delete)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readUsers)
        let query = try ODataQuery(request)
        let page = try await self.services.repositories.users.list(query.directoryQuery(within: .everything))
        return try self.services.odata(request).collection(
            page.items.map { DirectoryJSON.user($0, select: query.select) }, context: "users", select: query.select, next: page.next)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageUsers)
        let body = try await RequestBody.object(request, context: context)
        for required in ["accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"] where !body.has(required) {
            throw GraphError.badRequest("Property '\(required)' is required when creating the user.")
        }
        var user = User(id: Identifiers.objectId(), userPrincipalName: "", displayName: "", mailNickname: "", createdDateTime: Date())
        try DirectoryInput.applyUser(body, to: &user)
        guard let (password, forceChange) = try DirectoryInput.password(body) else {
            throw GraphError.badRequest("Property 'passwordProfile' is required when creating the user.")
        }
        user.forceChangePasswordNextSignIn = forceChange
        let created = try await self.services.directory.createUser(user, password: password)
        return try self.services.odata(request).entity(DirectoryJSON.user(created), context: "users/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readUsers)
        let user = try await self.services.user(try request.parameter("id", context))
        let query = try ODataQuery(request)
        return try self.services.odata(request).entity(DirectoryJSON.user(user, select: query.select), context: "users/$entity", select: query.select)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageUsers)
        let user = try await self.services.user(try request.parameter("id", context))
        let body = try await RequestBody.object(request, context: context)
        let profile = try DirectoryInput.password(body)
        try await self.services.directory.updateUser(
            id: user.id, by: context.caller, password: profile?.password, forceChange: profile?.forceChange
        ) { try DirectoryInput.applyUser(body, to: &$0) }
        return GraphResponse.noContent()
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageUsers)
        let user = try await self.services.user(try request.parameter("id", context))
        try await self.services.directory.deleteUser(id: user.id, by: context.caller)
        return GraphResponse.noContent()
    }
}
