import Foundation
import GraphSyncCore
import Hummingbird

/// `/organization` and `/domains`: the tenant and its one domain, read-only.
struct OrganizationController {
    let services: GraphServices

    func addRoutes(to routes: GraphRoutes) {
        routes.get("organization", self.listOrganizations)
        routes.get("organization/:id", self.getOrganization)
        routes.get("domains", self.listDomains)
        routes.get("domains/:id", self.getDomain)
    }

    @Sendable func listOrganizations(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readOrganization)
        let query = try ODataQuery(request)
        let directory = self.services.directory
        return try self.services.odata(request).collection(
            [OrganizationJSON.organization(directory.tenant, domains: directory.domains())], context: "organization", select: query.select)
    }

    @Sendable func getOrganization(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readOrganization)
        let query = try ODataQuery(request)
        let directory = self.services.directory
        let tenant = try directory.organization(id: try request.parameter("id", context))
        return try self.services.odata(request).entity(
            OrganizationJSON.organization(tenant, domains: directory.domains()), context: "organization/$entity", select: query.select)
    }

    @Sendable func listDomains(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readDomains)
        let query = try ODataQuery(request)
        return try self.services.odata(request).collection(
            self.services.directory.domains().map(OrganizationJSON.domain), context: "domains", select: query.select)
    }

    @Sendable func getDomain(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try context.demand(GraphPolicies.readDomains)
        let query = try ODataQuery(request)
        let domain = try self.services.directory.domain(named: try request.parameter("id", context))
        return try self.services.odata(request).entity(OrganizationJSON.domain(domain), context: "domains/$entity", select: query.select)
    }
}
