import Foundation
import GraphSyncCore
import Hummingbird

/// `…/{id}/addPassword` and `…/{id}/removePassword` of applications and service principals.
struct PasswordCredentialsController {
    let services: GraphServices
    let collection: String
    /// Resolves the path key (`id` or `appId=…`) to the object id.
    let resolve: @Sendable (String) async throws -> String
    let add: @Sendable (String, DirectoryService.NewPassword) async throws -> Void
    let remove: @Sendable (String, String) async throws -> Void

    func addRoutes(to routes: GraphRoutes) {
        routes.post("\(self.collection)/:id/addPassword", self.addPassword)
        routes.post("\(self.collection)/:id/removePassword", self.removePassword)
    }

    /// Answers the new credential with its `secretText`, the only time it is ever shown.
    @Sendable func addPassword(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try await self.authorizedObject(request, context)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["passwordCredential"], resource: "addPassword")
        let credential = try body.object("passwordCredential") ?? JSONObject(members: [])
        try credential.rejectUnknown(
            allowed: ["displayName", "startDateTime", "endDateTime", "customKeyIdentifier", "hint", "keyId", "secretText"],
            resource: "passwordCredential")
        let password = try self.services.directory.makePassword(
            displayName: try credential.string("displayName"), startDateTime: try credential.date("startDateTime"),
            endDateTime: try credential.date("endDateTime"))
        try await self.add(id, password)
        return try self.services.odata(request).entity(
            DirectoryJSON.passwordCredential(password.credential, secretText: password.secretText), context: "microsoft.graph.passwordCredential")
    }

    @Sendable func removePassword(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try await self.authorizedObject(request, context)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["keyId"], resource: "removePassword")
        let keyId = try body.requiredString("keyId")
        guard UUID(uuidString: keyId) != nil else { throw GraphError.badRequest("Property 'keyId' must be a GUID, not '\(keyId)'.") }
        try await self.remove(id, keyId)
        return GraphResponse.noContent()
    }

    private func authorizedObject(_ request: Request, _ context: AuthenticatedContext) async throws -> String {
        let id = try await self.resolve(try request.parameter("id", context))
        try await context.authorize(GraphPolicies.manageApplication, objectId: id, owners: self.services.repositories.owners)
        return id
    }
}
