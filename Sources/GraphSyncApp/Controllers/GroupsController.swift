import Foundation
import GraphSyncCore
import Hummingbird

/// `/groups` and their members (`members`, `members/$ref`); assigning a group to an app brings its members into scope.
struct GroupsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("groups", self.list)
        routes.get("groups/$count", self.list)
        routes.post("groups", self.create)
        routes.get("groups/:id", self.get)
        routes.patch("groups/:id", self.update)
        routes.delete("groups/:id", self.delete)
        routes.get("groups/:id/members", self.members)
        routes.post("groups/:id/members/$ref", self.addMember)
        routes.delete("groups/:id/members/:memberId/$ref", self.removeMember)
        OwnersController(
            services: self.services, collection: "groups", read: GraphPolicies.readGroups, manage: GraphPolicies.manageGroups,
            resolve: { id in
                guard let group = try await self.services.repositories.groups.get(id: id) else { throw GraphError.notFound(id) }
                return group.id
            }
        ).addRoutes(to: routes)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGroups)
        let query = try ODataQuery(request, orderable: true)
        let page = try await self.services.repositories.groups.list(query.directoryQuery(within: .everything))
        return try self.services.odata(request).collection(page.items.map { DirectoryJSON.group($0, select: query.select) }, context: "groups", select: query.select, next: page.next, count: page.count)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageGroups)
        let body = try await RequestBody.object(request, context: context)
        for required in ["displayName", "mailNickname", "mailEnabled", "securityEnabled"] where !body.has(required) {
            throw GraphError.badRequest("Property '\(required)' is required when creating a group.")
        }
        var group = Group(id: Identifiers.objectId(), displayName: "", mailNickname: "", createdDateTime: Date())
        try DirectoryInput.applyGroup(body, to: &group, creating: true)
        let bound = try DirectoryInput.bindings(body, of: "group", allowed: ["members", "owners"])
        _ = try await self.services.directory.createGroup(group, memberIds: bound["members"] ?? [], ownerIds: bound["owners"] ?? [])
        return try self.services.odata(request).entity(DirectoryJSON.group(group), context: "groups/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGroups)
        let group = try await self.group(request, context)
        let select = try ODataQuery(request).select
        return try self.services.odata(request).entity(DirectoryJSON.group(group, select: select), context: "groups/$entity", select: select)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageGroups)
        let group = try await self.group(request, context)
        let body = try await RequestBody.object(request, context: context)
        let bound = try DirectoryInput.bindings(body, of: "group", allowed: ["members"])
        try await self.services.directory.changeGroup(group.id, addingMembers: bound["members"] ?? []) { try DirectoryInput.applyGroup(body, to: &$0) }
        return GraphResponse.noContent()
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageGroups)
        let group = try await self.group(request, context)
        _ = try await self.services.repositories.groups.delete(id: group.id)
        return GraphResponse.noContent()
    }

    @Sendable func members(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readGroups)
        let group = try await self.group(request, context)
        let members = try await self.services.repositories.groups.members(of: group.id)
        return try self.services.odata(request).collection(members.map(DirectoryJSON.directoryObject), context: "directoryObjects")
    }

    @Sendable func addMember(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageGroups)
        let group = try await self.group(request, context)
        let memberId = try GraphServices.referencedId(try await RequestBody.object(request, context: context))
        guard let member = try await self.services.directory.principal(id: memberId), member.type != .servicePrincipal else {
            throw GraphError.notFound(memberId)
        }
        guard member.id != group.id else { throw GraphError.badRequest("A group cannot be a member of itself.") }
        guard try await self.services.repositories.groups.addMember(member, to: group.id) else {
            throw GraphError.badRequest("One or more added object references already exist for the following modified properties: 'members'.")
        }
        return GraphResponse.noContent()
    }

    @Sendable func removeMember(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.manageGroups)
        let group = try await self.group(request, context)
        let memberId = try request.parameter("memberId", context)
        guard try await self.services.repositories.groups.removeMember(memberId, from: group.id) else { throw GraphError.notFound(memberId) }
        return GraphResponse.noContent()
    }

    private func group(_ request: Request, _ context: AuthenticatedContext) async throws -> Group {
        let id = try request.parameter("id", context)
        guard let group = try await self.services.repositories.groups.get(id: id) else { throw GraphError.notFound(id) }
        return group
    }
}
