import Foundation
import GraphSyncCore
import Hummingbird

/// `/directory/deletedItems`: soft-deleted applications, service principals, users and Microsoft 365 groups — list by
/// type (`…/microsoft.graph.application`), read, `restore`, and delete for good. Each type keeps its own read and
/// write permissions.
struct DeletedItemsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("directory/deletedItems/:id", self.get)
        routes.post("directory/deletedItems/:id/restore", self.restore)
        routes.delete("directory/deletedItems/:id", self.purge)
    }

    /// `…/deletedItems/microsoft.graph.{type}` lists a type; any other segment is an item's id.
    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let key = try request.parameter("id", context)
        let query = try ODataQuery(request)
        if key.hasPrefix("microsoft.graph.") {
            let typeName = String(key.dropFirst("microsoft.graph.".count))
            guard DeletedItem.typeNames.contains(typeName) else {
                throw GraphError.badRequest("Deleted items are listed by type: microsoft.graph.\(DeletedItem.typeNames.joined(separator: ", microsoft.graph.")).")
            }
            try context.demand(Self.policies(typeName).read)
            let items = try await self.services.repositories.deletedItems.list(typeName: typeName, top: query.top)
            return try self.services.odata(request).collection(
                items.map(Self.json), context: "directory/deletedItems/\(key)", select: query.select)
        }
        let item = try await self.item(key, context, write: false)
        return try self.services.odata(request).entity(Self.json(item), context: "directory/deletedItems/$entity", select: query.select)
    }

    /// Puts the object back as it was deleted (without the relationships that went with it); 200 with the object.
    @Sendable func restore(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let item = try await self.item(try request.parameter("id", context), context, write: true)
        guard let restored = try await self.services.repositories.deletedItems.restore(id: item.id) else { throw GraphError.notFound(item.id) }
        return try self.services.odata(request).entity(Self.json(restored, deleted: false), context: "directoryObjects/$entity")
    }

    @Sendable func purge(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let item = try await self.item(try request.parameter("id", context), context, write: true)
        guard try await self.services.repositories.deletedItems.purge(id: item.id) else { throw GraphError.notFound(item.id) }
        return GraphResponse.noContent()
    }

    private func item(_ id: String, _ context: AuthenticatedContext, write: Bool) async throws -> DeletedItem {
        guard let item = try await self.services.repositories.deletedItems.get(id: id) else { throw GraphError.notFound(id) }
        let policies = Self.policies(item.typeName)
        try context.demand(write ? policies.write : policies.read)
        return item
    }

    static func policies(_ typeName: String) -> (read: AccessPolicy, write: AccessPolicy) {
        switch typeName {
        case "user": (GraphPolicies.readUsers, GraphPolicies.manageUsers)
        case "group": (GraphPolicies.readGroups, GraphPolicies.manageGroups)
        default: (GraphPolicies.readApplications, GraphPolicies.manageApplication)
        }
    }

    static func json(_ item: DeletedItem) -> JSONValue { self.json(item, deleted: true) }

    static func json(_ item: DeletedItem, deleted: Bool) -> JSONValue {
        let object: JSONValue
        switch item.object {
        case .application(let application): object = DirectoryJSON.application(application)
        case .servicePrincipal(let sp): object = DirectoryJSON.servicePrincipal(sp)
        case .user(let user): object = DirectoryJSON.user(user)
        case .group(let group): object = DirectoryJSON.group(group)
        }
        let members = (object.objectValue ?? []).map { name, value in
            name == "deletedDateTime" && deleted ? (name, JSONValue(item.deletedDateTime)) : (name, value)
        }
        return DirectoryJSON.typed(item.typeName, .object(members))
    }
}
