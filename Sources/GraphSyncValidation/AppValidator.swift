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
        if let bundle = self.options.caBundle {
            guard FileManager.default.isReadableFile(atPath: bundle) else {
                throw Failure.setup("The CA file \(bundle) cannot be read; --ca-file takes a PEM file with the CA that signed the app's certificate.")
            }
            tls.additionalTrustRoots = [.file(bundle)]
        }
        // A vendor validates their own app, usually on this machine or their network: loopback and private addresses are
        // allowed here (never link-local or metadata addresses).
        let outbound = OutboundClient(policy: OutboundDestinationPolicy(allowed: [.loopback, .privateNetwork]), tls: tls, longestExchange: .seconds(60))
        let checks = await self.runChecks(endpoint, outbound: outbound, progress: progress)
        await outbound.shutdown()
        let elapsed = ContinuousClock.now - clock
        // The report names the Tenant URL without any user information it carried.
        var shown = URLComponents(string: self.options.tenantURL)
        shown?.user = nil
        shown?.password = nil
        return ValidationReport(
            tenantURL: shown?.string ?? endpoint.baseAddress, dialect: endpoint.dialect.rawValue, startedAt: started,
            seconds: elapsed.inSeconds, checks: checks)
    }

    func runChecks(_ endpoint: SCIMEndpoint, outbound: OutboundClient, progress: @escaping @Sendable (String) -> Void) async -> [CheckResult] {
        let total = ProtocolChecks.count + (self.options.clientCredentials == nil ? 0 : 1) + (self.options.federation == nil ? 0 : 4)
            + (self.options.engine ? EngineChecks.userChecks.count + EngineChecks.groupChecks.count : 0)
        let run = CheckRun(total: total, redacting: [self.options.token, self.options.clientCredentials?.clientSecret], progress: progress)
        let tokens = TokenChecks(outbound: outbound, timeout: self.options.timeout, logger: self.logger)
        var token = self.options.token ?? ""
        // A token from the app's token endpoint, when one is configured, is what the checks then use (as Entra would).
        if let credentials = self.options.clientCredentials {
            await run.check("tokens.client-credentials", "the token endpoint issues a token for client credentials, valid 60 minutes to 6 hours") {
                token = try await tokens.clientCredentials(credentials)
                run.redact(token)
            }
        }
        if let federation = self.options.federation, let issued = await tokens.run(federation, on: run) {
            token = issued
            run.redact(token)
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
                let engine = EngineChecks(world: world, checks: checks)
                await engine.runAll(groups: self.options.groups)
                await Self.collect(world, sourceIds: engine.sourceIds, into: created)
                await world.close()
            } catch {
                // Not a skip: a run whose engine checks could not run has not validated the app.
                await run.check("engine.setup", "GraphSync's in-memory engine starts") { throw error }
            }
        }
        progress("cleaning up: deleting \(created.users.count) users and \(created.groups.count) groups made for the checks")
        await Self.cleanUp(created, probe: probe)
        return run.results
    }

    /// Adds what the engine created in the app (for the directory objects `sourceIds`, enabled or disabled) to the
    /// clean-up list.
    static func collect(_ world: EngineWorld, sourceIds: [String], into created: CreatedResources) async {
        for object in (try? await world.repositories.provisionedObjects.objects(jobId: world.job.id, sourceIds: sourceIds)) ?? [] {
            guard let id = object.targetId else { continue }
            if object.objectType == "Group" { created.groups.append(id) } else { created.users.append(id) }
        }
    }

    /// Deletes every group, then every user, the run created (already deleted ones answer 404, which is fine).
    static func cleanUp(_ created: CreatedResources, probe: SCIMProbe) async {
        for id in Set(created.groups) { _ = try? await probe.delete(SCIMProbe.path("Groups", id)) }
        for id in Set(created.users) { _ = try? await probe.delete(SCIMProbe.path("Users", id)) }
    }
}
