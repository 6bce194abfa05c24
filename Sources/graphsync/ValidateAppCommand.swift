import ArgumentParser
import Foundation
import GraphSyncApp
import GraphSyncValidation
import Logging

/// `graphsync validate-app`: Entra's SCIM checks against a vendor's app, in minutes and without a tenant.
struct ValidateAppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-app",
        abstract: "Check a SCIM 2.0 app the way Microsoft Entra's provisioning engine and Microsoft's validation use it.",
        discussion: """
            Sends Entra's real request shapes (its default job; add ?aadOptscim062020 to the URL for the flagged shapes, \
            ?graphsyncRfc7644 for RFC 7644 as written), directly and through GraphSync's engine with provisionOnDemand, reads \
            every result back, and deletes what it created. Exit status 1 when any check fails, 2 when the app could not be \
            validated at all (a bad address, an unreadable CA file or data directory).

              graphsync validate-app --scim-url https://localhost:9000/scim/v2 --token "$TOKEN"
              graphsync validate-app --scim-url https://app.example/scim/v2 --token-url https://app.example/oauth/token \\
                  --client-id ID --client-secret "$SECRET" --junit validate-app.xml
              graphsync validate-app --scim-url https://app.example/scim/v2 --token-url https://app.example/oauth/token \\
                  --client-id ID --federated --service-principal SP_ID --data-dir ./graphsync-data
            """)

    @Option(name: .customLong("scim-url"), help: "The app's SCIM base address (Entra's Tenant URL), flags included.")
    var scimURL: String

    @Option(help: "A bearer token for the app (Entra's Secret Token). Also GRAPHSYNC_VALIDATE_TOKEN.")
    var token: String?

    @Option(name: .customLong("token-url"), help: "The app's OAuth token endpoint, for the client credentials grant.")
    var tokenURL: String?

    @Option(name: .customLong("client-id"), help: "The client id for the client credentials grant.")
    var clientId: String?

    @Option(name: .customLong("client-secret"), help: "The client secret for the client credentials grant. Also GRAPHSYNC_VALIDATE_CLIENT_SECRET.")
    var clientSecret: String?

    @Option(help: "The scope to ask for with client credentials.")
    var scope: String?

    @Flag(help: "Workload identity federation: client assertions signed by the GraphSync in --data-dir, which the app trusts (no client secret).")
    var federated = false

    @Option(name: .customLong("service-principal"), help: "With --federated: the enterprise app's service principal id in that GraphSync (the assertion's subject).")
    var servicePrincipal: String?

    @OptionGroup(title: "The GraphSync whose authority signs --federated assertions")
    var data: DataOptions

    @Flag(name: .customLong("no-groups"), help: "The app does not support groups: skip the group checks.")
    var noGroups = false

    @Flag(name: .customLong("no-engine"), help: "Only the direct protocol checks, not the ones through GraphSync's engine.")
    var noEngine = false

    @Option(name: .customLong("ca-file"), help: "A PEM CA bundle to trust besides the system's (an app on a self-signed certificate).")
    var caFile: String?

    @Option(help: "Seconds one request to the app may take, its whole answer included (1 to 300).")
    var timeout = 30

    @Flag(help: "Print the report as JSON on standard output instead of a table.")
    var json = false

    @Option(help: "Also write the report as JUnit XML to this file (for CI).")
    var junit: String?

    @Flag(help: "No progress lines on standard error.")
    var quiet = false

    func run() async throws {
        do {
            try await self.validate()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("graphsync validate-app: \(failure.description)\n".utf8))
            throw ExitCode(2)
        } catch let failure as ConfigurationError {
            FileHandle.standardError.write(Data("graphsync validate-app: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Runs the checks and writes the report; exit 1 when one failed.
    func validate() async throws {
        guard (1...300).contains(self.timeout) else { throw ValidationError("--timeout must be 1 to 300 seconds.") }
        let logger = makeLogger(level: .critical)
        let environment = ProcessInfo.processInfo.environment
        let token = self.token ?? environment["GRAPHSYNC_VALIDATE_TOKEN"]
        let secret = self.clientSecret ?? environment["GRAPHSYNC_VALIDATE_CLIENT_SECRET"]
        var credentials: AppValidator.ClientCredentials?
        var federation: AppValidator.Federation?
        if self.federated {
            federation = try await self.federation(logger: logger)
        } else if self.tokenURL != nil || self.clientId != nil || secret != nil {
            guard let tokenURL = self.tokenURL, let clientId = self.clientId, let secret else {
                throw ValidationError("Client credentials need --token-url, --client-id and --client-secret together.")
            }
            credentials = AppValidator.ClientCredentials(tokenURL: tokenURL, clientId: clientId, clientSecret: secret, scope: self.scope)
        }
        guard token != nil || credentials != nil || federation != nil else {
            throw ValidationError("Give the app's credentials: --token (a bearer token), --token-url, --client-id and --client-secret, or --federated.")
        }
        var options = AppValidator.Options(tenantURL: self.scimURL, token: token, clientCredentials: credentials)
        options.federation = federation
        options.groups = !self.noGroups
        options.engine = !self.noEngine
        options.caBundle = self.caFile
        options.timeout = .seconds(self.timeout)
        let quiet = self.quiet
        let report: ValidationReport
        do {
            report = try await AppValidator(options: options, logger: logger).run { line in
                if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
            }
        } catch let failure as AppValidator.Failure {
            throw CommandFailure(failure.description)
        }
        if let junit = self.junit {
            do {
                try Data(report.junit().utf8).write(to: URL(fileURLWithPath: junit))
            } catch {
                throw CommandFailure("The JUnit report could not be written to \(junit): \(error.localizedDescription)")
            }
        }
        if self.json {
            say(String(decoding: try report.json(), as: UTF8.self))
        } else {
            say(report.table())
            if let junit = self.junit { say("  JUnit XML: \(InitCommand.absolute(junit))") }
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    /// The federation settings, with assertions signed by the data directory's authority.
    func federation(logger: Logger) async throws -> AppValidator.Federation {
        guard let tokenURL = self.tokenURL, let clientId = self.clientId, let servicePrincipal = self.servicePrincipal else {
            throw ValidationError("--federated needs --token-url, --client-id and --service-principal.")
        }
        let runtime = try await GraphSyncRuntime.open(try self.data.existingConfiguration(), logger: logger)
        do {
            let assertions = try await DataDirectoryAssertions.load(runtime, servicePrincipalId: servicePrincipal)
            try? await runtime.close()
            return AppValidator.Federation(tokenURL: tokenURL, clientId: clientId, scope: self.scope, assertions: assertions)
        } catch {
            try? await runtime.close()
            throw error
        }
    }
}
