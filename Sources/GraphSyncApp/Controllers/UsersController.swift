import Foundation
import GraphSyncCore
import Hummingbird

/// `/users`: directory users with passwords (the people who sign in for delegated tokens).
struct UsersController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("users", self.list)
        routes.get("users/$count", self.list)
        routes.post("users", self.create)
        routes.get("users/:id") { try await self.get($0, $1, .byKey) }
        routes.patch("users/:id", self.update)
        routes.delete("users/:id", self.delete)
        routes.post("users/:id/revokeSignInSessions") { try await self.revokeSignInSessions($0, $1, .byKey) }
        routes.post("me/revokeSignInSessions") { try await self.revokeSignInSessions($0, $1, .signedIn) }
        routes.get("users/:id/manager") { try await self.manager($0, $1, .byKey) }
        routes.get("users/:id/directReports") { try await self.directReports($0, $1, .byKey) }
        routes.put("users/:id/manager/$ref", self.setManager)
        routes.delete("users/:id/manager/$ref", self.removeManager)
        routes.get("me") { try await self.get($0, $1, .signedIn) }
        routes.get("me/manager") { try await self.manager($0, $1, .signedIn) }
        routes.get("me/directReports") { try await self.directReports($0, $1, .signedIn) }
    }

    /// Whom a read is about: `/users/{id or userPrincipalName}…`, or `/me…`, the signed-in user of a delegated token.
    enum Subject { case byKey, signedIn }

    static let meNeedsDelegation = GraphError.badRequest("/me request is only valid with delegated authentication flow.", code: "BadRequest")

    /// The user a read is about, once the caller may read them: any user with a users-read permission, or themselves
    /// with `User.Read` (an app-only token has no signed-in user: 400, as Graph answers).
    func user(_ subject: Subject, _ request: Request, _ context: AuthenticatedContext) async throws -> User {
        switch subject {
        case .byKey:
            try context.demand(GraphPolicies.readUsers)
            return try await self.services.user(try request.parameter("id", context))
        case .signedIn:
            guard context.caller.kind == .delegated else { throw Self.meNeedsDelegation }
            try context.demand(GraphPolicies.readSignedInUser)
            return try await self.services.user(context.caller.objectId)
        }
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readUsers)
        let query = try ODataQuery(request, expandable: Self.expandable, type: "user", orderable: true)
        let page = try await self.services.repositories.users.list(query.directoryQuery(within: .everything))
        return try self.services.odata(request).collection(
            try await self.expanding(page.items, query.expand, select: query.select, view: RelatedUserView(context.caller)), context: "users", select: query.select,
            expanded: query.expand.map(\.property), next: page.next, count: page.count)
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

    func get(_ request: Request, _ context: AuthenticatedContext, _ subject: Subject) async throws -> Response {
        let user = try await self.user(subject, request, context)
        let query = try ODataQuery(request, expandable: Self.expandable, type: "user")
        return try self.services.odata(request).entity(
            try await self.expanding([user], query.expand, select: query.select, view: RelatedUserView(context.caller))[0], context: "users/$entity", select: query.select,
            expanded: query.expand.map(\.property))
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

    /// Ends the user's refresh tokens and browser sessions for good (`/me/…`: the signed-in user's own); Graph answers
    /// `true`.
    func revokeSignInSessions(_ request: Request, _ context: AuthenticatedContext, _ subject: Subject) async throws -> Response {
        switch subject {
        case .byKey:
            try context.demand(GraphPolicies.revokeSignInSessions)
            let user = try await self.services.user(try request.parameter("id", context))
            try await self.services.directory.revokeSignInSessions(userId: user.id, by: context.caller)
        case .signedIn:
            guard context.caller.kind == .delegated else { throw Self.meNeedsDelegation }
            try context.demand(GraphPolicies.revokeOwnSignInSessions)
            try await self.services.directory.revokeSignInSessions(userId: context.caller.objectId, by: context.caller)
        }
        return try self.services.odata(request).entity(.object([("value", .bool(true))]), context: "Edm.Boolean")
    }
}
