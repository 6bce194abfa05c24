import GraphSyncCore
import Hummingbird

/// Group membership of users, groups, service principals and directory objects: `memberOf`, `transitiveMemberOf`,
/// `checkMemberGroups`, `checkMemberObjects`, `getMemberGroups`, `getMemberObjects`, and a group's
/// `transitiveMembers` (the rules are `DirectoryService+Membership`'s). The object must be one the caller may read,
/// and the answer lists groups, so the caller also needs a groups-read permission.
struct MembershipController {
    let services: GraphServices

    private var objects: DirectoryObjectsController { DirectoryObjectsController(services: self.services) }

    func addRoutes(to routes: GraphRoutes) {
        for collection in ["users", "groups", "servicePrincipals", "directoryObjects"] {
            routes.get("\(collection)/:id/memberOf") { try await self.memberOf($0, $1, in: collection, transitive: false) }
            routes.get("\(collection)/:id/transitiveMemberOf") { try await self.memberOf($0, $1, in: collection, transitive: true) }
            routes.post("\(collection)/:id/checkMemberGroups") { try await self.check($0, $1, in: collection, idsKey: "groupIds") }
            routes.post("\(collection)/:id/checkMemberObjects") { try await self.check($0, $1, in: collection, idsKey: "ids") }
            routes.post("\(collection)/:id/getMemberGroups") { try await self.memberIds($0, $1, in: collection, function: "getMemberGroups") }
            routes.post("\(collection)/:id/getMemberObjects") { try await self.memberIds($0, $1, in: collection, function: "getMemberObjects") }
        }
        routes.get("groups/:id/transitiveMembers", self.transitiveMembers)
    }

    func memberOf(_ request: Request, _ context: AuthenticatedContext, in collection: String, transitive: Bool) async throws -> Response {
        let id = try await self.subject(request, context, in: collection)
        let groups = transitive ? try await self.services.directory.transitiveMemberOf(id) : try await self.services.directory.memberOf(id)
        let select = try ODataQuery(request).select
        return try self.services.odata(request).collection(groups.map { DirectoryJSON.typed("group", DirectoryJSON.group($0)) }, context: "directoryObjects", select: select)
    }

    /// `checkMemberGroups` (`groupIds`) and `checkMemberObjects` (`ids`): the ids asked about that the object is a member of.
    func check(_ request: Request, _ context: AuthenticatedContext, in collection: String, idsKey: String) async throws -> Response {
        let id = try await self.subject(request, context, in: collection)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: [idsKey], resource: idsKey == "ids" ? "checkMemberObjects" : "checkMemberGroups")
        guard let ids = try body.strings(idsKey) else { throw GraphError.badRequest("Property '\(idsKey)' is required.") }
        return try self.strings(try await self.services.directory.checkMemberGroups(id, groupIds: ids), request)
    }

    /// `getMemberGroups` and `getMemberObjects`: every group the object is a member of, transitively.
    func memberIds(_ request: Request, _ context: AuthenticatedContext, in collection: String, function: String) async throws -> Response {
        let id = try await self.subject(request, context, in: collection)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["securityEnabledOnly"], resource: function)
        guard let securityEnabledOnly = try body.bool("securityEnabledOnly") else {
            throw GraphError.badRequest("Property 'securityEnabledOnly' is required.")
        }
        return try self.strings(try await self.services.directory.memberGroupIds(id, securityEnabledOnly: securityEnabledOnly), request)
    }

    @Sendable func transitiveMembers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try await self.subject(request, context, in: "groups")
        let members = try await self.services.directory.transitiveMembers(of: id)
        return try self.services.odata(request).collection(members.map(DirectoryJSON.directoryObject), context: "directoryObjects", select: try ODataQuery(request).select)
    }

    /// The id of the object the request is about: it exists in `collection` (a user also by userPrincipalName) and the
    /// caller may read it and groups.
    private func subject(_ request: Request, _ context: AuthenticatedContext, in collection: String) async throws -> String {
        try context.demand(GraphPolicies.readGroups)
        var key = try request.parameter("id", context)
        if collection == "users" { key = try await self.services.user(key).id }
        guard let object = try await self.objects.readable(key, context),
            collection == "directoryObjects" || "\(object.type)s" == collection
        else { throw GraphError.notFound(key) }
        return key.lowercased()
    }

    /// A `Collection(Edm.String)` answer.
    private func strings(_ values: [String], _ request: Request) throws -> Response {
        try GraphResponse.json(.object([
            ("@odata.context", .string("\(self.services.odata(request).serviceRoot)/$metadata#Collection(Edm.String)")),
            ("value", .array(values.map(JSONValue.string))),
        ]))
    }
}
