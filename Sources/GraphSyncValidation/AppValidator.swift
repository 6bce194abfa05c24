import Foundation
import GraphSyncClients
import GraphSyncCore
import Logging
import NIOSSL

/// `graphsync validate-app`: checks a vendor's SCIM app the way Entra's provisioning engine and Microsoft's validation
/// use it — direct protocol checks in the chosen request dialect, then engine-driven checks through a real job and
/// provisionOnDemand — and deletes what it created.
public struct AppValidator: Sendable {
    /// OAuth 2.0 client credentials (RFC 6749 §4.4) to get the app's access token, as Entra's admin credentials take them.
    public struct ClientCredentials: Sendable {
        public var tokenURL: String
        public var clientId: String
        public var clientSecret: String
        public var scope: String?

        public init(tokenURL: String, clientId: String, clientSecret: String, scope: String?) {
            self.tokenURL = tokenURL
            self.clientId = clientId
            self.clientSecret = clientSecret
            self.scope = scope
        }
    }

    /// Workload identity federation: the token endpoint and client id, and assertions signed by the GraphSync the app trusts.
    public struct Federation: Sendable {
        public var tokenURL: String
        public var clientId: String
        public var scope: String?
        public var assertions: any FederatedAssertions

        public init(tokenURL: String, clientId: String, scope: String?, assertions: any FederatedAssertions) {
            self.tokenURL = tokenURL
            self.clientId = clientId
            self.scope = scope
            self.assertions = assertions
        }
    }

    public struct Options: Sendable {
        /// The Tenant URL as an admin enters it, flags included (`?aadOptscim062020`).
        public var tenantURL: String
        public var token: String?
        public var clientCredentials: ClientCredentials?
        public var federation: Federation?
        public var groups = true
        public var engine = true
        /// A PEM bundle trusted besides the system's (an app on a self-signed certificate).
        public var caBundle: String?
        /// How long one request may take, answer included.
        public var timeout: Duration = .seconds(30)

        public init(tenantURL: String, token: String?, clientCredentials: ClientCredentials?) {
            self.tenantURL = tenantURL
            self.token = token
            self.clientCredentials = clientCredentials
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case setup(String)
        public var description: String {
            switch self { case .setup(let reason): reason }
        }
    }

    let options: Options
    let logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Runs every check, reporting each as it starts through `progress`; the report lists them all.
    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> ValidationReport {
        let started = Date()
        let clock = ContinuousClock.now
        let endpoint = SCIMEndpoint(baseAddress: self.options.tenantURL, bearerToken: "")
        guard let url = URL(string: endpoint.baseAddress), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw Failure.setup("--scim-url must be the app's SCIM base address, e.g. https://localhost:9000/scim/v2 (got \(self.options.tenantURL)).")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let bundle = self.options.caBundle { tls.additionalTrustRoots = [.file(bundle)] }
        // A vendor validates their own app, usually on this machine or their network: loopback and private addresses are
        // allowed here (never link-local or metadata addresses).
        let outbound = OutboundClient(policy: OutboundDestinationPolicy(allowed: [.loopback, .privateNetwork]), tls: tls, longestExchange: .seconds(60))
        let checks = await self.runChecks(endpoint, outbound: outbound, progress: progress)
        await outbound.shutdown()
        let elapsed = ContinuousClock.now - clock
        return ValidationReport(
            tenantURL: self.options.tenantURL, dialect: endpoint.dialect.rawValue, startedAt: started,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, checks: checks)
    }

    func runChecks(_ endpoint: SCIMEndpoint, outbound: OutboundClient, progress: @escaping @Sendable (String) -> Void) async -> [CheckResult] {

        let total = ProtocolChecks.count + (self.options.clientCredentials == nil ? 0 : 1) + (self.options.federation == nil ? 0 : 4)
            + (self.options.engine ? EngineChecks.userChecks.count + EngineChecks.groupChecks.count : 0)
        let run = CheckRun(total: total, progress: progress)
        var token = self.options.token ?? ""
        if let credentials = self.options.clientCredentials {
            await run.check("tokens.client-credentials", "the token endpoint issues a token for client credentials, valid 60 minutes to 6 hours") {
                token = try await TokenChecks.clientCredentials(credentials, outbound: outbound, logger: self.logger)
            }
        }
        if let federation = self.options.federation, let issued = await TokenChecks.run(federation, on: run, outbound: outbound, logger: self.logger),
            self.options.token == nil
        {
            token = issued
        }
        let probe = SCIMProbe(outbound: outbound, baseAddress: endpoint.baseAddress, token: token, timeout: self.options.timeout)
        let tag = "gsv" + String(UUID().uuidString.lowercased().prefix(8))
        let created = CreatedResources()
        let checks = ProtocolChecks(probe: probe, dialect: endpoint.dialect, run: run, tag: tag, created: created)
        let reachable = await checks.runAll(groups: self.options.groups)

        if self.options.engine && !reachable {
            for (id, title) in EngineChecks.userChecks + EngineChecks.groupChecks { run.skip(id, title, because: "needs an app that answers (connection.test)") }
        } else if self.options.engine {
            do {
                let world = try await EngineWorld.open(
                    tenantURL: self.options.tenantURL, token: token, outbound: outbound, timeout: self.options.timeout, logger: self.logger)
                await EngineChecks(world: world, checks: checks).runAll(groups: self.options.groups)
                await Self.collect(world, into: created)
                await world.close()
            } catch {
                for (id, title) in EngineChecks.userChecks + EngineChecks.groupChecks {
                    run.skip(id, title, because: "GraphSync's engine could not be set up: \(error)")
                }
            }
        }
        progress("cleaning up: deleting \(created.users.count) users and \(created.groups.count) groups made for the checks")
        await Self.cleanUp(created, probe: probe)
        return run.results
    }

    /// Adds what the engine created in the app to the clean-up list.
    static func collect(_ world: EngineWorld, into created: CreatedResources) async {
        var after: String?
        for type in ["User", "Group"] {
            after = nil
            while let page = try? await world.repositories.provisionedObjects.sourceIdsInApp(jobId: world.job.id, objectType: type, after: after, limit: 500),
                let last = page.last
            {
                for object in (try? await world.repositories.provisionedObjects.objects(jobId: world.job.id, sourceIds: page)) ?? [] {
                    guard let id = object.targetId else { continue }
                    if type == "User" { created.users.append(id) } else { created.groups.append(id) }
                }
                after = last
            }
        }
    }

    /// Deletes every group, then every user, the run created (already deleted ones answer 404, which is fine).
    static func cleanUp(_ created: CreatedResources, probe: SCIMProbe) async {
        for id in Set(created.groups) { _ = try? await probe.delete("Groups/\(id)") }
        for id in Set(created.users) { _ = try? await probe.delete("Users/\(id)") }
    }
}
