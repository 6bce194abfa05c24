import Foundation
import GraphSyncCore
import Hummingbird

/// `/applicationTemplates`: the gallery (`$filter` on `displayName`), one template, and `instantiate`, which registers
/// an application and its service principal from a template. Reading needs only a signed-in caller, as in Graph.
struct ApplicationTemplatesController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("applicationTemplates", self.list)
        routes.get("applicationTemplates/:id", self.get)
        routes.post("applicationTemplates/:id/instantiate", self.instantiate)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let query = try ODataQuery(request)
        var templates = ApplicationTemplate.catalog
        for clause in query.clauses {
            switch clause {
            case .equals("displayName", let name):
                templates = templates.filter { $0.displayName.caseInsensitiveCompare(name) == .orderedSame }
            case .startsWith("displayName", let prefix):
                templates = templates.filter { $0.displayName.lowercased().hasPrefix(prefix.lowercased()) }
            case .equals("id", let id):
                templates = templates.filter { $0.id.caseInsensitiveCompare(id) == .orderedSame }
            default:
                throw GraphError.badRequest("Only displayName (eq, startswith) and id (eq) can be filtered on applicationTemplates.")
            }
        }
        return try self.services.odata(request).collection(
            templates.prefix(query.top).map(DirectoryJSON.applicationTemplate), context: "applicationTemplates", select: query.select)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let template = try self.template(request, context)
        return try self.services.odata(request).entity(
            DirectoryJSON.applicationTemplate(template), context: "applicationTemplates/$entity", select: try ODataQuery(request).select)
    }

    @Sendable func instantiate(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try context.accessScope(GraphPolicies.createApplications)
        let template = try self.template(request, context)
        let body = try await RequestBody.object(request, context: context)
        // hamilton (Terraform's azuread v2.x) sends the whole template object: its `id` comes along.
        try body.rejectUnknown(allowed: ["displayName", "serviceManagementReference", "id"], resource: "instantiate")
        let displayName = try body.requiredString("displayName").trimmingCharacters(in: .whitespaces)
        guard !displayName.isEmpty else { throw GraphError.badRequest("Property 'displayName' is required.") }
        let (application, servicePrincipal) = try await self.services.directory.instantiate(
            template, displayName: displayName, serviceManagementReference: try body.string("serviceManagementReference"),
            owner: try await self.services.callerPrincipal(context), within: scope)
        return try self.services.odata(request).entity(
            .object([
                ("application", DirectoryJSON.application(application)), ("servicePrincipal", DirectoryJSON.servicePrincipal(servicePrincipal)),
            ]),
            context: "microsoft.graph.applicationServicePrincipal", status: .created)
    }

    private func template(_ request: Request, _ context: AuthenticatedContext) throws -> ApplicationTemplate {
        let id = try request.parameter("id", context)
        guard let template = ApplicationTemplate.withId(id) else { throw GraphError.notFound(id) }
        return template
    }
}
