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
        routes.get("users/:id/manager", self.manager)
        routes.put("users/:id/manager/$ref", self.setManager)
        routes.delete("users/:id/manager/$ref", self.removeManager)
    }

    static let noManager = GraphError(
        .notFound, code: "Request_ResourceNotFound",
        message: "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")

    /// `GET /users/{id}/manager`: the manager as a directory object (404 when there is none).
    @Sendable func manager(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readUsers)
        let user = try await self.services.user(try request.parameter("id", context))
        guard let manager = try await self.services.directory.manager(of: user) else { throw Self.noManager }
        let query = try ODataQuery(request)
        return try self.services.odata(request).entity(
            DirectoryJSON.typed("user", DirectoryJSON.user(manager, select: query.select)), context: "directoryObjects/$entity", select: query.select)
    }

    /// `PUT /users/{id}/manager/$ref` with `{"@odata.id": "…/users/{managerId}"}`.
    @Sendable func setManager(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageUsers)
        let user = try await self.services.user(try request.parameter("id", context))
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["@odata.id"], resource: "reference")
        guard let reference = body["@odata.id"] else { throw GraphError.badRequest("Property '@odata.id' is required: the manager's URL.") }
        try await self.services.directory.setManager(of: user.id, to: try DirectoryInput.referencedId(reference, in: "@odata.id"))
        return GraphResponse.noContent()
    }

    @Sendable func removeManager(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageUsers)
        let user = try await self.services.user(try request.parameter("id", context))
        guard try await self.services.directory.removeManager(of: user.id) else { throw Self.noManager }
        return GraphResponse.noContent()
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
