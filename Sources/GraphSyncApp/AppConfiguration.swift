import Foundation
import GraphSyncClients
import GraphSyncCore
import Logging

/// Everything `graphsync serve` can be told, read once at start-up.
///
/// Keys (command-line flag / environment):
/// - `host` (`--host`, default `127.0.0.1`), `port` (`--port`, default `8443`)
/// - `dataDirectory` (`--data-dir`, default `./graphsync-data`): database, CA, keys
/// - `databaseURL` (`--database`, `GRAPHSYNC_DATABASE_URL`): `sqlite:///path/file.sqlite` (default `<data-dir>/graphsync.sqlite`) or
///   `postgres://user:password@host:port/database?sslmode=…`; `databasePoolSize` (`--database-pool-size`, default 10)
/// - `tls` (`--tls-cert F --tls-key F`, or `--http` for plain http; default: certificate from the local CA)
/// - `cloud` (`--cloud global|usgov-l4|usgov-l5|china`): which Graph audience tokens are for
/// - `trustedIssuers` (`--trust-issuer URL`, repeatable): external authorities whose tokens are accepted
/// - `secretKey` (`GRAPHSYNC_SECRET_KEY`, secret): base64 AES-256 key for secrets at rest; default `<data-dir>/secret.key`
/// - `allowTokenURLsTo` (`--allow-token-urls-to loopback|private`, repeatable): destinations outbound calls may reach
///   besides public addresses (and which may then use plain http)
/// - `tokenExchangeTimeout` (`--token-exchange-timeout`, seconds, default 10)
/// - `outboundCABundle` (`--outbound-ca-bundle`): extra PEM CA certificates trusted for outbound TLS
/// - `logLevel` (`--log-level`, default `info`)
public struct AppConfiguration: Sendable {
    public enum TLS: Sendable, Equatable {
        /// A certificate issued by the data directory's local CA.
        case localCertificateAuthority
        case files(certificate: String, key: String)
        /// Plain http (loopback only, unless `--insecure`).
        case none
    }

    public var host = "127.0.0.1"
    /// The base URL clients use (`--public-url`, e.g. a load balancer's `https://graphsync.example.com`): the issuer of
    /// tokens and the base of discovery URLs and `@odata.nextLink`s, the same on every node.
    public var publicURL: String?
    public var port = 8443
    public var dataDirectory = "./graphsync-data"
    public var databaseURL: String?
    /// Connections to PostgreSQL per node (`--database-pool-size`, default 10).
    public var databasePoolSize = 10
    public var tls: TLS = .localCertificateAuthority
    public var cloud: GraphCloud = .global
    public var trustedIssuers: [String] = []
    public var secretKey: String?
    public var allowTokenURLsTo: Set<OutboundDestinationPolicy.AddressClass> = []
    public var tokenExchangeTimeout: TimeInterval = 10
    /// Seconds a client has to send a whole request (head and body), from connecting or from the previous response
    /// (`--request-read-timeout`, default 30): cuts off slow TLS handshakes, half-sent headers and dripped bodies.
    public var requestReadTimeout: TimeInterval = 30
    /// Seconds an idle keep-alive connection is kept open (`--idle-timeout`, default 75).
    public var idleConnectionTimeout: TimeInterval = 75
    /// Seconds one SCIM request may take, answer body included (`--scim-timeout`, default 30).
    public var scimTimeout: TimeInterval = 30
    public var outboundCABundle: String?
    /// Interval of new synchronization jobs, seconds (`--job-interval`, default 2400 = Entra's 40 minutes).
    public var jobInterval: TimeInterval = 2400
    /// How often the scheduler looks for due jobs, seconds (`--scheduler-tick`, default 5).
    public var schedulerTick: TimeInterval = 5
    /// First retry delay after a failed cycle, doubling in quarantine, seconds (`--failure-backoff`, default 60).
    public var failureBackoff: TimeInterval = 60
    /// How long a node's lease on a running job lasts unless renewed, seconds (`--job-lease`, default 60): a node
    /// that dies frees its jobs for the others (or for itself after a restart) within this time.
    public var jobLease: TimeInterval = 60
    /// SCIM requests in flight per job (`--job-concurrency`, default 8).
    public var jobConcurrency = 8
    /// Jobs running at once on this node, each under its own lease (`--max-concurrent-jobs`, default 4).
    public var maxConcurrentJobs = 4
    /// Wall-clock cap on one provisioning cycle, seconds (`--max-cycle-duration`, default 3600); a cycle still running
    /// then is stopped and recorded as failed with `CycleTimeLimitExceeded`.
    public var maxCycleDuration: TimeInterval = 3600
    /// How long deleted items can be restored before they are deleted for good, seconds (`--deleted-items-retention`
    /// in days, default Graph's 30 days).
    public var deletedItemsRetention: TimeInterval = DeletedItemRetention.graphDefault
    /// New users matched per SCIM query (`--match-batch-size`, default 1: Entra's one query per user).
    public var matchBatchSize = 1
    public var logLevel: Logger.Level = .info
    /// Serve Prometheus metrics at `/metrics` (`--metrics`).
    public var metrics = false
    /// The bearer token a scrape must present at `/metrics` (`GRAPHSYNC_METRICS_TOKEN`); nil leaves it open where
    /// `metricsMayBeOpen`, and refuses every scrape elsewhere.
    public var metricsToken: String?

    /// How often each node reloads the signing keys from the database (seconds): the longest a key rotated or revoked on
    /// another node takes to reach this one.
    public var signingKeyReload: TimeInterval = 60

    /// Whether `/metrics` may go without a token: only on a listener bound to a loopback address with no `publicURL`
    /// (behind a reverse proxy on the same machine, every scrape from anywhere arrives from loopback).
    public var metricsMayBeOpen: Bool { ListenerAddress.isLoopback(self.host) && self.publicURL == nil }
    /// Smart lockout of the password grant (Entra's defaults: 10 failures, 60 s lockout) and per-client throttling.
    public var signIn = SignInThrottle.Settings()

    public init() {}

    public var scheme: String { self.tls == .none ? "http" : "https" }

    /// Where the database is.
    public enum DatabaseLocation: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    /// The database to use, from `databaseURL` (`--database`, or `GRAPHSYNC_DATABASE_URL`) or the data directory.
    public func databaseLocation() throws -> DatabaseLocation {
        guard let url = self.databaseURL else { return .sqlite(path: (self.dataDirectory as NSString).appendingPathComponent("graphsync.sqlite")) }
        if url.hasPrefix("sqlite://") { return .sqlite(path: String(url.dropFirst("sqlite://".count))) }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url: url) }
        throw ConfigurationError("Unsupported --database URL; expected sqlite:///path/to/file.sqlite or postgres://user:password@host:port/database.")
    }
}

/// A configuration value that cannot be used, with what to do instead.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Microsoft Graph's national clouds: the Graph resource each one's tokens are for.
public enum GraphCloud: String, Sendable, CaseIterable {
    case global
    case usgovL4 = "usgov-l4"
    case usgovL5 = "usgov-l5"
    case china

    /// The Graph root, which is also the token audience.
    public var graphResource: String {
        switch self {
        case .global: "https://graph.microsoft.com"
        case .usgovL4: "https://graph.microsoft.us"
        case .usgovL5: "https://dod-graph.microsoft.us"
        case .china: "https://microsoftgraph.chinacloudapi.cn"
        }
    }

    public var graphHost: String { String(self.graphResource.dropFirst("https://".count)) }
}
