import Foundation
import GraphSyncCore
import Hummingbird

/// `GET /directoryObjects/{id}` and `POST /directoryObjects/getByIds`: any user, group, service principal or
/// application, led by its `@odata.type` (Terraform's provider reads owners this way and sorts them by type), under the
/// read policy of that type. A caller may always read itself; an object it may not read is "not found", so the answer
/// does not tell what exists.
struct DirectoryObjectsController {
    let services: GraphServices

    /// Graph's limit on `getByIds`' `ids`.
    static let maximumIds = 1_000

    func addRoutes(to routes: GraphRoutes) {
        routes.get("directoryObjects/:id", self.get)
        routes.post("directoryObjects/getByIds", self.getByIds)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try request.parameter("id", context)
        guard let object = try await self.readable(id, context) else { throw GraphError.notFound(id) }
        return try self.services.odata(request).entity(object.json, context: "directoryObjects/$entity", select: try ODataQuery(request).select)
    }

    /// The objects among `ids` the caller may read, of the `types` asked for (all when none), in the order asked.
    @Sendable func getByIds(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["ids", "types"], resource: "getByIds")
        guard let ids = try body.strings("ids"), !ids.isEmpty else { throw GraphError.badRequest("Property 'ids' is required and may not be empty.") }
        guard ids.count <= Self.maximumIds else {
            throw GraphError.badRequest("The maximum number of ids is \(Self.maximumIds); the request has \(ids.count).")
        }
        let types = Set((try body.strings("types") ?? []).map { $0.lowercased().replacingOccurrences(of: "microsoft.graph.", with: "") })
        var objects: [JSONValue] = []
        var seen: Set<String> = []
        for id in ids where seen.insert(id.lowercased()).inserted {
            guard let object = try await self.readable(id, context), types.isEmpty || types.contains(object.type.lowercased()) else { continue }
            objects.append(object.json)
        }
        return try self.services.odata(request).collection(objects, context: "directoryObjects", select: try ODataQuery(request).select)
    }

    /// The object with `id` as Graph shows it (with its `@odata.type`), when it exists and the caller may read it.
    func readable(_ id: String, _ context: AuthenticatedContext) async throws -> (type: String, json: JSONValue)? {
        let id = id.lowercased()
        let repositories = self.services.repositories
        let owners = repositories.owners
        let caller = context.caller
        func readable(_ policy: AccessPolicy, _ objectId: String) async throws -> Bool {
            if objectId == caller.objectId { return true }
            return try await policy.permits(caller, ownerIds: { try await owners.ownerIds(of: objectId) })
        }
        if let user = try await repositories.users.get(id: id) {
            return try await readable(GraphPolicies.readUsers, user.id) ? ("user", DirectoryJSON.typed("user", DirectoryJSON.user(user))) : nil
        } else if let group = try await repositories.groups.get(id: id) {
            return try await readable(GraphPolicies.readGroups, group.id) ? ("group", DirectoryJSON.typed("group", DirectoryJSON.group(group))) : nil
        } else if let sp = try await repositories.servicePrincipals.get(id: id) {
            return try await readable(GraphPolicies.readApplications, sp.id)
                ? ("servicePrincipal", DirectoryJSON.typed("servicePrincipal", DirectoryJSON.servicePrincipal(sp))) : nil
        } else if let application = try await repositories.applications.get(id: id) {
            return try await readable(GraphPolicies.readApplications, application.id)
                ? ("application", DirectoryJSON.typed("application", DirectoryJSON.application(application))) : nil
        }
        return nil
    }
}
