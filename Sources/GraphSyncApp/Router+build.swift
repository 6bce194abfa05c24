import GraphSyncAuthority
import GraphSyncCore
import Hummingbird

/// What the routes are built from: the Core services and the authority's parts.
struct RouterDependencies: Sendable {
    var directory: DirectoryService
    var synchronization: SynchronizationService
    var jobs: JobService
    var engine: ProvisioningEngine
    /// Wakes the provisioning scheduler (after start and restart).
    var wakeScheduler: @Sendable () -> Void
    var endpoints: AuthorityEndpoints
    var keys: SigningKeys
    var verifier: TokenVerifier
    var authority: AuthorityService
    var minter: TokenMinter
    var graphHost: String
    /// Prometheus at `/metrics` and per-route request metrics, when `--metrics` is given (the token a scrape presents,
    /// and whether it may be open without one).
    var metrics: (enabled: Bool, token: String?, mayBeOpen: Bool) = (false, nil, false)
    /// Where `$batch` sends its requests: the server's responder, attached once built.
    var inProcess = InProcessResponder()
}

/// Mounts the authority (unauthenticated) and the Graph API (bearer-authenticated) under `/v1.0` and `/beta`.
func buildRouter(_ dependencies: RouterDependencies) -> Router<AppRequestContext> {
    let (directory, synchronization, jobs, engine) = (dependencies.directory, dependencies.synchronization, dependencies.jobs, dependencies.engine)
    let (endpoints, verifier, wakeScheduler) = (dependencies.endpoints, dependencies.verifier, dependencies.wakeScheduler)
    let router = Router(context: AppRequestContext.self)
    if dependencies.metrics.enabled {
        // The registry first: it bootstraps the metrics backend. The middleware outermost, so it records the status
        // GraphErrorMiddleware gives an error.
        MetricsController(registry: GraphSyncMetrics.registry, token: dependencies.metrics.token, mayBeOpen: dependencies.metrics.mayBeOpen).addRoutes(to: router)
        router.add(middleware: RequestMetricsMiddleware<AppRequestContext>())
    }
    router.add(middleware: GraphErrorMiddleware<AppRequestContext>())

    DiscoveryController(endpoints: endpoints, tenant: directory.tenant, keys: dependencies.keys, graphHost: dependencies.graphHost).addRoutes(to: router)
    // provisionOnDemand's limit per job (Graph documents 5 requests per 10 seconds), shared by Graph and the console, and
    // by every node: it is counted in the database.
    let onDemandLimit = SharedRateLimit(limit: 5, per: 10, store: directory.repositories.rateLimits)
    let signIn = SignInService(authority: dependencies.authority)
    TokenController(endpoints: endpoints, tenant: directory.tenant, authority: dependencies.authority, minter: dependencies.minter, signIn: signIn)
        .addRoutes(to: router)
    let pages = PageRenderer()
    AuthorizeController(endpoints: endpoints, tenant: directory.tenant, signIn: signIn, pages: pages).addRoutes(to: router)
    let console = ConsolePages(endpoints: endpoints, signIn: signIn, pages: pages)
    ConsoleController(console: console, directory: directory, tenantId: directory.tenant.id).addRoutes(to: router)
    ConsoleAppController(console: console, directory: directory, jobs: jobs, wakeScheduler: wakeScheduler).addRoutes(to: router)
    ConsoleProvisioningController(console: console, directory: directory, synchronization: synchronization, jobs: jobs, engine: engine).addRoutes(to: router)
    ConsoleLogsController(console: console, directory: directory).addRoutes(to: router)
    ConsoleMappingsController(console: console, directory: directory, jobs: jobs).addRoutes(to: router)
    ConsoleSettingsController(
        console: console, directory: directory, synchronization: synchronization, jobs: jobs, engine: engine, wakeScheduler: wakeScheduler,
        onDemandLimit: onDemandLimit
    ).addRoutes(to: router)
    router.get("health") { _, _ in Response(status: .ok, body: .init(byteBuffer: .init(string: "OK"))) }

    let groups = ["v1.0", "beta"].map { version in
        router.group(RouterPath(version))
            .add(middleware: BearerAuthenticationMiddleware(
                verifier: verifier, localIssuer: endpoints.canonicalIssuer))
            .group(context: AuthenticatedContext.self)
            .add(middleware: GraphErrorMiddleware<AuthenticatedContext>())
            .add(middleware: QueryOptionsMiddleware<AuthenticatedContext>())
    }
    let routes = GraphRoutes(groups: groups)
    let services = GraphServices(directory: directory, endpoints: endpoints)
    ApplicationsController(services: services).addRoutes(to: routes)
    ApplicationTemplatesController(services: services).addRoutes(to: routes)
    ServicePrincipalsController(services: services).addRoutes(to: routes)
    UsersController(services: services).addRoutes(to: routes)
    GroupsController(services: services).addRoutes(to: routes)
    DirectoryObjectsController(services: services).addRoutes(to: routes)
    MembershipController(services: services).addRoutes(to: routes)
    DeletedItemsController(services: services).addRoutes(to: routes)
    RoleManagementController(services: services).addRoutes(to: routes)
    PermissionGrantsController(services: services).addRoutes(to: routes)
    OrganizationController(services: services).addRoutes(to: routes)
    SynchronizationController(services: services, synchronization: synchronization).addRoutes(to: routes)
    for collection in ["servicePrincipals", "applications"] {
        let controller = SynchronizationJobsController(
            collection: collection, services: services, jobs: jobs, engine: engine, wake: wakeScheduler, onDemandLimit: onDemandLimit)
        controller.addRoutes(to: routes)
        if collection == "servicePrincipals" { controller.addProvisioningLogRoute(to: routes) }
    }
    BatchController(responder: dependencies.inProcess, graphHost: dependencies.graphHost).addRoutes(to: routes)
    routes.finish()
    let patterns = routes.patterns

    // Anything else under a Graph version is an unknown segment; other paths fall to the router's not-found, which
    // GraphErrorMiddleware renders as a Graph error.
    for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
        for version in ["v1.0", "beta"] {
            router.on(RouterPath("\(version)/**"), method: method) { request, _ -> Response in
                let segment = GraphRoutes.unknownSegment(of: Array(request.uri.path.split(separator: "/").dropFirst()), patterns: patterns)
                throw GraphError.badRequest("Resource not found for the segment '\(segment)'.", code: "BadRequest")
            }
        }
    }
    return router
}

import HTTPTypes
