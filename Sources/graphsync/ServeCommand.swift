import ArgumentParser
import CGraphSyncCrashGuard
import Foundation
import GraphSyncApp
import GraphSyncAuthority
import GraphSyncClients
import GraphSyncCore
import Hummingbird
import Logging

/// `graphsync serve`: runs the authority and the Graph API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run GraphSync (https by default).")

    @OptionGroup var options: DataOptions

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain to serve instead of the local CA's certificate.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(help: "Allow --http on a non-loopback address.")
    var insecure = false

    @Option(help: "Which national cloud's Graph audience to accept: global, usgov-l4, usgov-l5, china.")
    var cloud: GraphCloud = .global

    @Option(name: .customLong("trust-issuer"), help: "An external authority whose tokens are accepted, e.g. https://login.microsoftonline.com/<tenant>/v2.0 (repeatable).")
    var trustIssuers: [String] = []

    @Option(name: .customLong("allow-token-urls-to"), help: "Let outbound calls (token URLs) reach loopback or private addresses too, over http or https: loopback, private (repeatable). Link-local and metadata addresses are never allowed.")
    var allowTokenURLsTo: [OutboundDestinationPolicy.AddressClass] = []

    @Option(name: .customLong("token-exchange-timeout"), help: "Seconds to wait for an application's token endpoint.")
    var tokenExchangeTimeout: Double = 10

    @Option(name: .customLong("request-read-timeout"), help: "Seconds a client has to send a whole request (TLS handshake, head and body).")
    var requestReadTimeout: Double = 30

    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection stays open.")
    var idleTimeout: Double = 75

    @Option(name: .customLong("scim-timeout"), help: "Seconds one SCIM request may take, the whole answer included.")
    var scimTimeout: Double = 30

    @Option(name: .customLong("outbound-ca-bundle"), help: "PEM file of extra CA certificates to trust for outbound TLS.")
    var outboundCABundle: String?

    @Option(name: .customLong("job-interval"), help: "Seconds between provisioning cycles of new jobs (Entra: 2400).")
    var jobInterval: Double = 2400

    @Option(name: .customLong("scheduler-tick"), help: "Seconds between the scheduler's looks for due jobs.")
    var schedulerTick: Double = 5

    @Option(name: .customLong("failure-backoff"), help: "Seconds before retrying a failed cycle; doubles while quarantined.")
    var failureBackoff: Double = 60

    @Option(name: .customLong("job-lease"), help: "Seconds a node's lease on a running job lasts unless renewed; a node that dies frees its jobs within this time.")
    var jobLease: Double = 60

    @Option(name: .customLong("job-concurrency"), help: "SCIM requests in flight per job.")
    var jobConcurrency: Int = 8

    @Option(name: .customLong("match-batch-size"), help: "New users looked up per SCIM query (userName eq \"a\" or userName eq \"b\" …). 1 (the default) sends one query per user, as Entra does; 50 is much faster on a large first cycle.")
    var matchBatchSize: Int = 1

    @Option(name: .customLong("database-pool-size"), help: "Connections to PostgreSQL this node keeps (with --database postgres://…).")
    var databasePoolSize: Int = 10

    @Option(name: .customLong("max-concurrent-jobs"), help: "Provisioning jobs running at once on this node, each under its own lease.")
    var maxConcurrentJobs: Int = 4

    @Option(name: .customLong("max-cycle-duration"), help: "Seconds one provisioning cycle may run before it is stopped and recorded as failed (CycleTimeLimitExceeded).")
    var maxCycleDuration: Double = 3600

    @Flag(help: "Serve Prometheus metrics at /metrics (requests, provisioning cycles and actions, SCIM requests, token exchanges). Set GRAPHSYNC_METRICS_TOKEN to make scrapes present it as a bearer token.")
    var metrics = false

    @Option(name: .customLong("deleted-items-retention"), help: "Days a deleted user, group or application can be restored before it is deleted for good (Graph: 30); fractions allowed.")
    var deletedItemsRetentionDays: Double = 30

    mutating func validate() throws {
        // Every duration becomes a timer; a non-finite or absurd value would trap when converted.
        let durations: [(String, Double)] = [
            ("--job-interval", self.jobInterval), ("--scheduler-tick", self.schedulerTick), ("--failure-backoff", self.failureBackoff),
            ("--job-lease", self.jobLease), ("--token-exchange-timeout", self.tokenExchangeTimeout), ("--scim-timeout", self.scimTimeout),
            ("--request-read-timeout", self.requestReadTimeout), ("--idle-timeout", self.idleTimeout),
            ("--max-cycle-duration", self.maxCycleDuration),
        ]
        for (flag, value) in durations where !value.isFinite || value > 7 * 86_400 {
            throw ValidationError("\(flag) must be a number of seconds up to a week, not \(value).")
        }
        guard self.jobInterval >= 1, self.schedulerTick >= 0.05, self.failureBackoff >= 0.1 else {
            throw ValidationError("--job-interval must be ≥ 1 s, --scheduler-tick ≥ 0.05 s, --failure-backoff ≥ 0.1 s.")
        }
        guard self.jobLease >= 1, (1...64).contains(self.jobConcurrency), (1...100).contains(self.matchBatchSize) else {
            throw ValidationError("--job-lease must be ≥ 1 s, --job-concurrency between 1 and 64, --match-batch-size between 1 and 100.")
        }
        guard self.requestReadTimeout >= 1, self.idleTimeout >= 1 else {
            throw ValidationError("--request-read-timeout and --idle-timeout must be at least 1 second.")
        }
        guard (2...500).contains(self.databasePoolSize) else { throw ValidationError("--database-pool-size must be between 2 and 500.") }
        guard (1...256).contains(self.maxConcurrentJobs), self.maxCycleDuration >= 1 else {
            throw ValidationError("--max-concurrent-jobs must be between 1 and 256, --max-cycle-duration ≥ 1 s.")
        }
        guard self.tokenExchangeTimeout > 0 && self.tokenExchangeTimeout <= 300, self.scimTimeout > 0 && self.scimTimeout <= 600 else {
            throw ValidationError("--token-exchange-timeout must be between 0 and 300 seconds, --scim-timeout between 0 and 600.")
        }
        guard self.deletedItemsRetentionDays.isFinite, self.deletedItemsRetentionDays > 0, self.deletedItemsRetentionDays <= 3_650 else {
            throw ValidationError("--deleted-items-retention must be a number of days above 0 and up to 3650, not \(self.deletedItemsRetentionDays).")
        }
        if self.metrics, Self.metricsToken == nil, !self.options.configuration().metricsMayBeOpen {
            throw ValidationError(
                self.options.publicURL == nil
                    ? "--metrics on \(self.options.host) needs GRAPHSYNC_METRICS_TOKEN: scrapes must present it, since the port is reachable from the network. (On a loopback address the token is optional.)"
                    : "--metrics with --public-url needs GRAPHSYNC_METRICS_TOKEN: behind a reverse proxy every scrape arrives from loopback, so only the token tells the operator's from anyone's.")
        }
        if (self.tlsCertificate == nil) != (self.tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together.") }
        if self.options.http && self.tlsCertificate != nil { throw ValidationError("--http cannot be combined with --tls-cert.") }
        if self.options.http && !Self.isLoopback(self.options.host) && !self.insecure {
            throw ValidationError("Refusing plain http on non-loopback host \(self.options.host): tokens and secrets would cross the network in clear text. Add --insecure to do it anyway.")
        }
        if let publicURL = self.options.publicURL {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil,
                url.path.isEmpty || url.path == "/", url.query == nil
            else { throw ValidationError("--public-url must be a base URL such as https://graphsync.example.com (no path or query).") }
        }
        for issuer in self.trustIssuers where !issuer.hasPrefix("https://") {
            throw ValidationError("--trust-issuer must be an https URL: \(issuer)")
        }
    }

    static func isLoopback(_ host: String) -> Bool { ListenerAddress.isLoopback(host) }

    /// `GRAPHSYNC_METRICS_TOKEN`, trimmed (a secrets file's trailing newline is not part of it); nil when unset or empty.
    static var metricsToken: String? {
        ProcessInfo.processInfo.environment["GRAPHSYNC_METRICS_TOKEN"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() async throws {
        var configuration = self.options.configuration()
        configuration.cloud = self.cloud
        configuration.trustedIssuers = self.trustIssuers
        configuration.allowTokenURLsTo = Set(self.allowTokenURLsTo)
        configuration.tokenExchangeTimeout = self.tokenExchangeTimeout
        configuration.scimTimeout = self.scimTimeout
        configuration.requestReadTimeout = self.requestReadTimeout
        configuration.idleConnectionTimeout = self.idleTimeout
        configuration.outboundCABundle = self.outboundCABundle
        configuration.jobInterval = self.jobInterval
        configuration.schedulerTick = self.schedulerTick
        configuration.failureBackoff = self.failureBackoff
        configuration.jobLease = self.jobLease
        configuration.jobConcurrency = self.jobConcurrency
        configuration.matchBatchSize = self.matchBatchSize
        configuration.maxConcurrentJobs = self.maxConcurrentJobs
        configuration.databasePoolSize = self.databasePoolSize
        configuration.maxCycleDuration = self.maxCycleDuration
        configuration.deletedItemsRetention = self.deletedItemsRetentionDays * 86_400
        configuration.metrics = self.metrics
        configuration.metricsToken = Self.metricsToken
        if let certificate = self.tlsCertificate, let key = self.tlsKey { configuration.tls = .files(certificate: certificate, key: key) }
        let logger = makeLogger(level: self.options.logLevel ?? .info)
        // A crash closes the listening sockets before the backtracer runs, so a restart can bind the port at once.
        let guardFailure = graphsync_release_listeners_on_crash()
        if guardFailure != 0 { logger.warning("could not install the crash handler that frees the port", metadata: ["errno": "\(guardFailure)"]) }
        do {
            try await self.serve(configuration, logger: logger)
        } catch {
            throw CommandFailure.explain(error, host: configuration.host, port: configuration.port)
        }
    }

    private func serve(_ configuration: AppConfiguration, logger: Logger) async throws {
        try PortCheck.requireFree(host: configuration.host, port: configuration.port)
        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        let app: any ApplicationProtocol
        do {
            app = try await self.application(runtime, configuration, logger: logger)
        } catch {
            try? await runtime.close()
            throw error
        }
        try await app.runService()
    }

    /// Prints the first start's facts and builds the application; the listening line follows once it is bound.
    private func application(_ runtime: GraphSyncRuntime, _ configuration: AppConfiguration, logger: Logger) async throws -> any ApplicationProtocol {
        let caPath = InitCommand.absolute(try runtime.certificateAuthority().caCertificatePath)
        if let facts = runtime.firstStartFacts {
            var report = BootstrapReport(facts: facts, configuration: configuration, caCertificatePath: caPath)
            report.issuerFlags = self.options.issuerFlags
            say(report.text())
        }
        let listening = "\(configuration.scheme)://\(configuration.host)"
        let tenantId = runtime.tenant.id
        return try await buildApplication(runtime: runtime, logger: logger) { port in
            say("GraphSync is listening on \(listening):\(port)  (tenant \(tenantId); authority \(listening):\(port)/\(tenantId); CA \(caPath))")
            say("Console: \(listening):\(port)/console")
            if configuration.metrics {
                say("Metrics: \(listening):\(port)/metrics" + (configuration.metricsToken == nil ? " (open: set GRAPHSYNC_METRICS_TOKEN to require a bearer token)" : " (bearer token: GRAPHSYNC_METRICS_TOKEN)"))
            }
        }
    }
}

extension GraphCloud: ExpressibleByArgument {}
/// `--allow-token-urls-to` takes only the classes an operator may open up.
extension OutboundDestinationPolicy.AddressClass: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Self(rawValue: argument), value == .loopback || value == .privateNetwork else { return nil }
        self = value
    }

    public static var allValueStrings: [String] { [Self.loopback.rawValue, Self.privateNetwork.rawValue] }
}
