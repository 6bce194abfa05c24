import ArgumentParser
import Foundation
import GraphSyncApp
import Logging
import GraphSyncCore

/// `graphsync app …`: applications without writing HTTP.
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Create applications and grant them Microsoft Graph application permissions.",
        subcommands: [Create.self, Grant.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an application, its service principal and a client secret.")
        @OptionGroup var options: DataOptions
        @Option(help: "Display name.") var name: String
        @Option(name: .customLong("grant"), help: "A Graph application permission to grant, e.g. Synchronization.ReadWrite.All (repeatable).")
        var permissions: [String] = []

        func run() async throws {
            let permissions = try self.permissions.map(parsePermission)
            try await withRuntime(self.options) { runtime in
                let (application, sp, secret) = try await runtime.createApplication(displayName: self.name, permissions: permissions)
                say("""
                    Created application '\(application.displayName)'
                      client id (appId)          \(application.appId)
                      application object id      \(application.id)
                      service principal id       \(sp.id)
                      client secret              \(secret)   (shown once)
                      granted                    \(permissions.isEmpty ? "nothing yet" : permissions.map(\.value).joined(separator: ", "))
                    """)
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grant Graph application permissions (app roles) to an application.")
        @OptionGroup var options: DataOptions
        @Option(help: "The application's client id (appId).") var appId: String
        @Argument(help: "Permissions, e.g. Application.ReadWrite.OwnedBy Synchronization.ReadWrite.All.") var permissions: [String]

        func run() async throws {
            let permissions = try self.permissions.map(parsePermission)
            try await withRuntime(self.options) { runtime in
                try await runtime.grantApplicationPermissions(appId: self.appId, permissions: permissions)
                say("Granted \(permissions.map(\.value).joined(separator: ", ")) to \(self.appId). New tokens carry them in 'roles'.")
            }
        }
    }
}

/// `graphsync user …`: directory users without writing HTTP.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create directory users and end their sign-in lockouts.", subcommands: [Create.self, Unlock.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user with a password and optional directory roles.")
        @OptionGroup var options: DataOptions
        @Option(help: "User principal name, e.g. ada@graphsync.local.") var upn: String
        @Option(help: "Display name (default: the UPN's alias).") var displayName: String?
        @Option(help: "Password (8+ characters, three of: upper, lower, digit, symbol).") var password: String
        @Option(name: .customLong("role"), help: "A directory role, e.g. \"Application Administrator\" (repeatable).") var roles: [String] = []

        func run() async throws {
            let roles = try self.roles.map { name in
                guard let role = DirectoryRoleTemplate.named(name) ?? DirectoryRoleTemplate.withId(name) else {
                    throw ValidationError("Unknown role '\(name)'. Known: \(DirectoryRoleTemplate.all.map(\.displayName).joined(separator: ", ")).")
                }
                return role
            }
            try await withRuntime(self.options) { runtime in
                let user = try await runtime.createUser(
                    userPrincipalName: self.upn, displayName: self.displayName ?? String(self.upn.split(separator: "@").first ?? ""),
                    password: self.password, roles: roles)
                say("Created user \(user.userPrincipalName) (id \(user.id))\(roles.isEmpty ? "" : " with " + roles.map(\.displayName).joined(separator: ", ")).")
            }
        }
    }
}

extension UserCommand {
    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a user's sign-in lockout (too many wrong passwords), on every node of a running GraphSync.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The user's principal name or object id.") var user: String

        func run() async throws {
            try await withRuntime(self.options) { runtime in
                let user = try await runtime.unlockUser(self.user)
                say("Unlocked \(user.userPrincipalName) (id \(user.id)): lockouts from earlier wrong passwords end on every node.")
            }
        }
    }
}

func parsePermission(_ name: String) throws -> GraphPermission {
    guard let permission = GraphPermission.named(name), permission.applicationId != nil else {
        throw ValidationError("Unknown application permission '\(name)'. Known: \(GraphPermission.all.filter { $0.applicationId != nil }.map(\.value).joined(separator: ", ")).")
    }
    return permission
}

/// Opens the data directory, runs `body`, closes it, and turns domain errors into readable messages.
func withRuntime(_ options: DataOptions, _ body: (GraphSyncRuntime) async throws -> Void) async throws {
    let runtime = try await GraphSyncRuntime.open(try options.existingConfiguration(), logger: makeLogger(level: options.logLevel ?? .warning))
    do {
        try await body(runtime)
        try await runtime.close()
    } catch {
        try? await runtime.close()
        throw AdminFailure(error)
    }
}

/// A failure of an admin command, printed as one readable line.
struct AdminFailure: Error, CustomStringConvertible {
    let description: String
    init(_ error: any Error) {
        switch error {
        case DirectoryError.notFound(let id): self.description = "Not found: \(id)"
        case DirectoryError.badRequest(let message), DirectoryError.conflict(let message): self.description = message
        case let failure as TokenRequestError: self.description = "\(failure.code.rawValue): \(failure.description)"
        default: self.description = "\(error)"
        }
    }
}
