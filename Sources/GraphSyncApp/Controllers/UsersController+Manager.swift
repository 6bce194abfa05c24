import Foundation
import GraphSyncCore
import Hummingbird

/// A user's manager and direct reports: the `manager` reference, both navigations, and `$expand` of them.
extension UsersController {
    static let noManager = GraphError(
        .notFound, code: "Request_ResourceNotFound",
        message: "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")

    /// `GET /users/{id}/manager` (or `/me/manager`): the manager as a directory object (404 when there is none).
    func manager(_ request: Request, _ context: AuthenticatedContext, _ subject: Subject) async throws -> Response {
        let user = try await self.user(subject, request, context)
        guard let manager = try await self.services.directory.manager(of: user) else { throw Self.noManager }
        let query = try ODataQuery(request)
        return try self.services.odata(request).entity(
            RelatedUserView(context.caller).json(manager, select: query.select), context: "directoryObjects/$entity", select: query.select)
    }

    /// `GET /users/{id}/directReports` (or `/me/directReports`): the users whose manager this user is, as directory objects.
    func directReports(_ request: Request, _ context: AuthenticatedContext, _ subject: Subject) async throws -> Response {
        let user = try await self.user(subject, request, context)
        let query = try ODataQuery(request)
        let view = RelatedUserView(context.caller)
        try view.permitFilter(on: query.clauses)
        let page = try await self.services.directory.directReports(of: user, query.directoryQuery(within: .everything))
        return try self.services.odata(request).collection(
            page.items.map { view.json($0, select: query.select) }, context: "directoryObjects", select: query.select, next: page.next)
    }

    /// Navigation properties `$expand` reaches on a user.
    static let expandable: Set<String> = ["manager", "directReports"]

    /// `users` with what `$expand` asks for added: `manager` (left out when there is none, as Graph does) and
    /// `directReports` (at most 20 each, Graph's limit for expanded directory objects).
    func expanding(
        _ users: [User], _ expansions: [ODataQuery.Expansion], select: [String]?, view: RelatedUserView
    ) async throws -> [JSONValue] {
        var json = users.map { DirectoryJSON.user($0, select: select) }
        for expansion in expansions {
            let shape = { (user: User) throws -> JSONValue in
                .object(try ODataResponse.project(view.json(user, select: expansion.select), select: expansion.select))
            }
            var values: [String: JSONValue] = [:]
            if expansion.property == "manager" {
                for (id, manager) in try await self.services.directory.managers(of: users) { values[id] = try shape(manager) }
            } else {
                let reports = try await self.services.directory.directReports(ofEach: users, limit: 20)
                for user in users { values[user.id] = .array(try (reports[user.id.lowercased()] ?? []).map(shape)) }
            }
            for (index, user) in users.enumerated() {
                guard let value = values[user.id], case .object(var members) = json[index] else { continue }
                members.append((expansion.property, value))
                json[index] = .object(members)
            }
        }
        return json
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
}

/// How much of a related user (a manager, a direct report) a caller sees: everything with a permission to read users;
/// the basic profile with `User.ReadBasic.All`; otherwise (`User.Read` on `/me`) only `@odata.type` and `id`, every
/// other property null, as Graph returns "limited information for inaccessible member objects".
struct RelatedUserView {
    enum Reach { case full, basic, limited }
    let reach: Reach

    static let basicProperties: Set<String> = ["id", "displayName", "givenName", "surname", "mail", "userPrincipalName"]

    init(_ caller: Caller) {
        if GraphPolicies.readUsers.evaluate(caller) == .allowed {
            self.reach = .full
        } else if caller.kind == .delegated, caller.scopes.contains(where: { $0.caseInsensitiveCompare("User.ReadBasic.All") == .orderedSame }) {
            self.reach = .basic
        } else {
            self.reach = .limited
        }
    }

    /// A filter may test only what the caller may see: otherwise the users it keeps would tell what it hides.
    func permitFilter(on clauses: [DirectoryQuery.Clause]) throws {
        guard self.reach != .full else { return }
        let visible = self.reach == .basic ? Self.basicProperties : ["id"]
        for field in clauses.flatMap(\.fields) {
            guard visible.contains(where: { $0.caseInsensitiveCompare(field) == .orderedSame }) else {
                throw GraphError(
                    .forbidden, code: "Authorization_RequestDenied",
                    message: "Insufficient privileges to complete the operation: filtering on '\(field.prefix(100))' needs a permission to read users.")
            }
        }
    }

    func json(_ user: User, select: [String]?) -> JSONValue {
        let typed = DirectoryJSON.typed("user", DirectoryJSON.user(user, select: select))
        guard self.reach != .full, case .object(let members) = typed else { return typed }
        let visible = self.reach == .basic ? Self.basicProperties : ["id"]
        return .object(members.map { key, value in key.hasPrefix("@odata.") || visible.contains(key) ? (key, value) : (key, .null) })
    }
}
