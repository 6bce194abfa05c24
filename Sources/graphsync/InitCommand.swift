import ArgumentParser
import Foundation
import GraphSyncApp
import Logging
import GraphSyncAuthority
import GraphSyncCore

/// `graphsync init`: creates the data directory if needed and prints the bootstrap facts with fresh secrets.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Initialise a data directory and print the tenant, admin app and admin user (new secrets each time).")

    @OptionGroup var options: DataOptions

    @Flag(help: "Print exactly one JSON object (tenantId, clientId, clientSecret, adminUserPrincipalName, adminPassword, authority, graphBaseUrl, caCertPath).")
    var json = false

    func run() async throws {
        let configuration = self.options.configuration()
        let logger = makeLogger(level: self.options.logLevel ?? .warning)
        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        do {
            let facts: Bootstrapper.Facts
            if let first = runtime.firstStartFacts { facts = first } else { facts = try await runtime.rotateBootstrapSecrets() }
            let ca = try runtime.certificateAuthority()
            var report = BootstrapReport(facts: facts, configuration: configuration, caCertificatePath: Self.absolute(ca.caCertificatePath))
            report.issuerFlags = self.options.issuerFlags
            say(self.json ? try report.json() : report.text())
            try await runtime.close()
        } catch {
            try? await runtime.close()
            throw error
        }
    }

    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }
}
