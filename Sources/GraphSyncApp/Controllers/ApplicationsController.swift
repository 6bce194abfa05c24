import Foundation
import GraphSyncCore
import Hummingbird

/// `/applications`: registrations, their secrets (addPassword/removePassword) and owners.
struct ApplicationsController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("applications", self.list)
        routes.post("applications", self.create)
        routes.get("applications/:id", self.get)
        routes.patch("applications/:id", self.update)
        routes.delete("applications/:id", self.delete)
        routes.post("applications/:id/addPassword", self.addPassword)
        routes.post("applications/:id/removePassword", self.removePassword)
        OwnersController(services: self.services, collection: "applications") { try await self.services.application($0).id }
            .addRoutes(to: routes)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let decision = try context.authorize(GraphPolicies.readApplications)
        let query = try ODataQuery(request)
        let page = try await self.services.repositories.applications.list(
            query.directoryQuery(ownedBy: decision == .ownedObjectsOnly ? context.caller.objectId : nil))
        return try self.services.odata(request).collection(
            page.items.map(DirectoryJSON.application), context: "applications", select: query.select, next: page.next)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.authorize(GraphPolicies.createApplications)
        let body = try await RequestBody.object(request, context: context)
        var draft = GraphSyncCore.Application(id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: "", createdDateTime: Date())
        guard body.has("displayName") else { throw GraphError.badRequest("Property 'displayName' is required.") }
        try DirectoryInput.applyApplication(body, to: &draft)
        let created = try await self.services.directory.createApplication(draft, owner: try await self.services.callerPrincipal(context))
        return try self.services.odata(request).entity(DirectoryJSON.application(created), context: "applications/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.readApplications, objectId: application.id, owners: self.services.repositories.owners)
        let query = try ODataQuery(request)
        return try self.services.odata(request).entity(DirectoryJSON.application(application), context: "applications/$entity", select: query.select)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: application.id, owners: self.services.repositories.owners)
        try DirectoryInput.applyApplication(try await RequestBody.object(request, context: context), to: &application)
        try await self.services.repositories.applications.update(application)
        return GraphResponse.noContent()
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: application.id, owners: self.services.repositories.owners)
        _ = try await self.services.repositories.applications.delete(id: application.id)
        return GraphResponse.noContent()
    }

    @Sendable func addPassword(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: application.id, owners: self.services.repositories.owners)
        let password = try await PasswordRequests.newPassword(request, context: context, directory: self.services.directory)
        try await self.services.directory.addPassword(toApplication: application.id, password)
        return try self.services.odata(request).entity(
            DirectoryJSON.passwordCredential(password.credential, secretText: password.secretText), context: "microsoft.graph.passwordCredential")
    }

    @Sendable func removePassword(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let application = try await self.services.application(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: application.id, owners: self.services.repositories.owners)
        try await self.services.directory.removePassword(
            fromApplication: application.id, keyId: try await PasswordRequests.keyId(request, context: context))
        return GraphResponse.noContent()
    }
}

/// Bodies of `addPassword` and `removePassword`, shared by applications and service principals.
enum PasswordRequests {
    static func newPassword(_ request: Request, context: AuthenticatedContext, directory: DirectoryService) async throws
        -> DirectoryService.NewPassword
    {
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["passwordCredential"], resource: "addPassword")
        let credential = try body.object("passwordCredential") ?? JSONObject(members: [])
        try credential.rejectUnknown(
            allowed: ["displayName", "startDateTime", "endDateTime", "customKeyIdentifier", "hint", "keyId", "secretText"],
            resource: "passwordCredential")
        return try directory.makePassword(
            displayName: try credential.string("displayName"), startDateTime: try credential.date("startDateTime"),
            endDateTime: try credential.date("endDateTime"))
    }

    static func keyId(_ request: Request, context: AuthenticatedContext) async throws -> String {
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["keyId"], resource: "removePassword")
        let keyId = try body.requiredString("keyId")
        guard UUID(uuidString: keyId) != nil else { throw GraphError.badRequest("Property 'keyId' must be a GUID, not '\(keyId)'.") }
        return keyId
    }
}
