import ArgumentParser
import Foundation
import GraphSyncApp
import Logging

/// `graphsync token`: prints an access token, for curl.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Print an access token for an application (app-only), or for a user with --username/--password.")

    @OptionGroup var options: DataOptions

    @Option(help: "The application's client id (appId).") var clientId: String
    @Option(help: "One of the application's client secrets.") var clientSecret: String
    @Option(help: "Sign in as this user (delegated token).") var username: String?
    @Option(help: "The user's password.") var password: String?
    @Option(help: "Scope (default: the Graph resource's /.default).") var scope: String?

    func run() async throws {
        let runtime = try await GraphSyncRuntime.open(
            try self.options.existingConfiguration(), logger: makeLogger(level: self.options.logLevel ?? .warning))
        do {
            say(try await runtime.issueToken(
                clientId: self.clientId, clientSecret: self.clientSecret, username: self.username, password: self.password, scope: self.scope))
            try await runtime.close()
        } catch {
            try? await runtime.close()
            throw AdminFailure(error)
        }
    }
}
