import AsyncHTTPClient
import Foundation
import GraphSyncAuthority
import GraphSyncClients
import GraphSyncCore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Builds the GraphSync HTTP application from an opened runtime: the authority, Graph routes, TLS and background services.
///
/// - Parameters:
///   - runtime: the opened data directory (database, tenant, keys).
///   - onServerRunning: called with the bound port once the listener is up.
public func buildApplication(
    runtime: GraphSyncRuntime, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let configuration = runtime.configuration
    // The listener first: a bad certificate fails here, before any client or service exists that would need closing.
    let requestTimeout = TimeAmount.milliseconds(Int64(configuration.requestReadTimeout * 1000))
    let idleTimeout = TimeAmount.milliseconds(Int64(configuration.idleConnectionTimeout * 1000))
    let http1 = HTTPServerBuilder.http1(
        configuration: .init(
            additionalChannelHandlers: [ConnectionDeadlineHandler(requestTimeout: requestTimeout, idleTimeout: idleTimeout)]))
    let server: HTTPServerBuilder
    switch configuration.tls {
    case .none:
        server = http1
    case .localCertificateAuthority:
        let ca = try runtime.certificateAuthority()
        server = try .tls(http1, tlsConfiguration: try TLSSettings.tlsConfiguration(certificate: ca.serverCertificatePath, key: ca.serverKeyPath))
    case .files(let certificate, let key):
        server = try .tls(http1, tlsConfiguration: try TLSSettings.tlsConfiguration(certificate: certificate, key: key))
    }
    let keys = SigningKeys(
        try await SigningKeyRing.load(from: runtime.repositories.tenants, cipher: runtime.cipher), tenants: runtime.repositories.tenants,
        cipher: runtime.cipher)
    let endpoints = AuthorityEndpoints(
        scheme: configuration.scheme, host: configuration.host, port: configuration.port, tenantId: runtime.tenant.id, publicURL: configuration.publicURL)
    // The console signs in through this authority: its redirect URIs are this listener's addresses.
    try await runtime.directory.registerConsole(redirectUris: endpoints.baseURLs.map { "\($0)/console/callback" })
    // HTTP clients last: nothing below throws, so they are always handed to the service that shuts them down.
    let httpClient = try OutboundHTTP.makeClient(configuration)
    let verifier = TokenVerifier(
        keys: keys, localIssuers: { endpoints.isLocalIssuer($0) },
        trustedIssuers: configuration.trustedIssuers.map { TrustedIssuer(authority: $0, httpClient: httpClient, logger: logger) },
        audiences: [configuration.cloud.graphResource, configuration.cloud.graphResource + "/", WellKnown.graphAppId])
    let directory = runtime.directory
    let outbound = try OutboundHTTP.makeOutboundClient(configuration)
    let tokenEndpoint = HTTPTokenEndpointClient(
        outbound: outbound, timeout: .milliseconds(Int64(configuration.tokenExchangeTimeout * 1000)), logger: logger)
    let assertions = AuthorityAssertionIssuer(
        repositories: runtime.repositories, keys: keys, tenantId: runtime.tenant.id, issuer: endpoints.canonicalIssuer)
    let synchronization = SynchronizationService(
        repositories: runtime.repositories, tokenEndpoint: tokenEndpoint, assertions: assertions, logger: logger)
    var engineSettings = ProvisioningEngine.Settings()
    engineSettings.failureBackoff = configuration.failureBackoff
    engineSettings.concurrency = configuration.jobConcurrency
    engineSettings.matchBatchSize = configuration.matchBatchSize
    engineSettings.maximumCycleDuration = configuration.maxCycleDuration
    let engine = ProvisioningEngine(
        repositories: runtime.repositories, synchronization: synchronization,
        scim: HTTPSCIMClient(outbound: outbound, timeout: .milliseconds(Int64(configuration.scimTimeout * 1000))), settings: engineSettings, logger: logger)
    let scheduler = ProvisioningScheduler(
        engine: engine, tick: .milliseconds(Int64(configuration.schedulerTick * 1000)), lease: configuration.jobLease,
        maximumConcurrentJobs: configuration.maxConcurrentJobs, logger: logger)
    let inProcess = InProcessResponder()
    let router = buildRouter(
        RouterDependencies(
            directory: directory, synchronization: synchronization,
            jobs: JobService(repositories: runtime.repositories, defaultInterval: configuration.jobInterval), engine: engine,
            wakeScheduler: { scheduler.wake() }, endpoints: endpoints, keys: keys, verifier: verifier,
            authority: AuthorityService(
                directory: directory, graphAudience: configuration.cloud.graphResource, throttle: SignInThrottle(settings: configuration.signIn)),
            minter: TokenMinter(keys: keys), graphHost: configuration.cloud.graphHost,
            metrics: (configuration.metrics, configuration.metricsToken, configuration.metricsMayBeOpen), inProcess: inProcess))
    let responder = GraphFrontResponder(next: router.buildResponder())
    inProcess.attach(responder)

    return Hummingbird.Application(
        responder: responder,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "GraphSync"),
        services: [
            HTTPClientService(client: httpClient, outbound: outbound), DatabaseService(runtime: runtime, closesAfter: scheduler, logger: logger), scheduler,
            KeyRefreshService(keys: keys, interval: configuration.signingKeyReload),
            DeletedItemsPurgeService(
                retention: DeletedItemRetention(deletedItems: runtime.repositories.deletedItems, retention: configuration.deletedItemsRetention),
                logger: logger),
        ],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

private enum TLSSettings {
    static func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.applicationProtocols = ["http/1.1"]
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

/// Outbound HTTP: `makeClient` for operator-configured URLs (trusted issuers), `makeOutboundClient` for URLs callers
/// supply (token endpoints, SCIM apps). Both: no redirects, bounded connect time, system trust plus an optional CA bundle.
enum OutboundHTTP {
    static func makeOutboundClient(_ configuration: AppConfiguration) throws -> OutboundClient {
        OutboundClient(
            policy: OutboundDestinationPolicy(allowed: configuration.allowTokenURLsTo), tls: self.tls(configuration),
            longestExchange: .milliseconds(Int64(max(configuration.scimTimeout, configuration.tokenExchangeTimeout) * 1000)))
    }

    static func tls(_ configuration: AppConfiguration) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let bundle = configuration.outboundCABundle {
            tls.additionalTrustRoots = [.file(bundle)]
        }
        return tls
    }

    static func makeClient(_ configuration: AppConfiguration) throws -> HTTPClient {
        let tls = self.tls(configuration)
        var client = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        client.timeout = .init(connect: .seconds(5), read: .milliseconds(Int64(configuration.tokenExchangeTimeout * 1000)))
        client.connectionPool = .init(idleTimeout: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: client)
    }
}

/// Shuts the outbound HTTP clients down when the service stops.
struct HTTPClientService: Service {
    let client: HTTPClient
    let outbound: OutboundClient
    func run() async throws {
        try? await gracefulShutdown()
        await self.outbound.shutdown()
        try await self.client.shutdown()
    }
}

/// Reloads the signing keys every `interval` (a minute), so a key rotated on any node is published and then used here
/// too, and a revoked one is dropped.
struct KeyRefreshService: Service {
    let keys: SigningKeys
    let interval: TimeInterval
    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(self.interval * 1_000)))
                try? await self.keys.reload()
            }
        }
    }
}

/// Closes the database when the service stops, once the scheduler has stopped: every service sees the same
/// shutdown at once, and the scheduler's last writes (releasing leases, leaving the cluster) need the database.
struct DatabaseService: Service {
    let runtime: GraphSyncRuntime
    let closesAfter: ProvisioningScheduler
    let logger: Logger
    func run() async throws {
        try? await gracefulShutdown()
        // Shutting down or cancelled (the group failing, say on a port that is taken), the scheduler stops first: its
        // last writes release leases, and a pool closed under its transaction would leave that transaction waiting.
        // Cancellation stops it quickly; the wait is bounded all the same.
        let schedulerStopped = Task { [scheduler = self.closesAfter] in await scheduler.stopped() }
        if await !TimeLimit.wait(for: schedulerStopped, atMost: .seconds(15)) {
            self.logger.warning("the provisioning scheduler did not stop within 15 s; closing the database anyway")
        }
        try await self.runtime.close()
    }
}
