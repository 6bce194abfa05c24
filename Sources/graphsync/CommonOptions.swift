import ArgumentParser
import Foundation
import GraphSyncApp
import GraphSyncCore
import Logging
import Logging

/// Options every command that opens a data directory shares.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Where GraphSync keeps its database, CA and keys.")
    var dataDirectory = "./graphsync-data"

    @Option(help: "Address the service listens on (used for URLs and the certificate).")
    var host = "127.0.0.1"

    @Option(help: "Port the service listens on.")
    var port = 8443

    @Flag(help: "Plain http instead of https.")
    var http = false

    @Option(name: .customLong("public-url"), help: "The base URL clients use (a load balancer's, e.g. https://graphsync.example.com): names the issuer and every link, the same on all nodes.")
    var publicURL: String?

    @Option(help: "Database URL: sqlite:///path/file.sqlite (default: <data-dir>/graphsync.sqlite) or postgres://user:password@host:port/database?sslmode=disable|prefer|require (also GRAPHSYNC_DATABASE_URL).")
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: info for serve, warning otherwise).")
    var logLevel: Logger.Level?

    /// The data directory as an absolute path, for messages.
    var absoluteDataDirectory: String { InitCommand.absolute(self.dataDirectory) }

    /// The configuration of a data directory that must already exist (every command but `init` and `serve`), after
    /// saying on standard error which one is used: a command run from the wrong folder must not make a new tenant.
    func existingConfiguration() throws -> AppConfiguration {
        let configuration = self.configuration()
        if configuration.databaseURL == nil {
            let database = (configuration.dataDirectory as NSString).appendingPathComponent("graphsync.sqlite")
            guard FileManager.default.fileExists(atPath: database) else {
                throw CommandFailure(
                    "No GraphSync data directory at \(self.absoluteDataDirectory) (no graphsync.sqlite there). Point --data-dir at the one `graphsync serve` uses, or create one with `graphsync init`.")
            }
        }
        FileHandle.standardError.write(Data("graphsync: data directory \(self.absoluteDataDirectory)\n".utf8))
        return configuration
    }

    /// The flags that name the issuer, when they differ from the defaults, so printed commands work as copied.
    var issuerFlags: String {
        var flags = ""
        if self.host != "127.0.0.1" { flags += " --host \(self.host)" }
        if self.port != 8443 { flags += " --port \(self.port)" }
        if self.http { flags += " --http" }
        if let publicURL = self.publicURL { flags += " --public-url \(publicURL)" }
        // A database URL with a password is not printed; the command then needs GRAPHSYNC_DATABASE_URL set.
        if let database = self.database, URLComponents(string: database)?.password == nil, !database.contains("'") {
            flags += " --database '\(database)'"
        }
        return flags
    }

    func configuration() -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.dataDirectory = self.dataDirectory
        configuration.host = self.host
        configuration.port = self.port
        configuration.databaseURL = self.database ?? ProcessInfo.processInfo.environment["GRAPHSYNC_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.tls = self.http ? .none : .localCertificateAuthority
        configuration.publicURL = self.publicURL
        configuration.logLevel = self.logLevel ?? .info
        return configuration
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Logs go to standard error so that standard output stays clean for scripts (`--json`, `token`).
func makeLogger(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return SingleLineLogHandler(handler)
    }
    var logger = Logger(label: "graphsync")
    logger.logLevel = level
    return logger
}

/// Writes a line to standard output at once (unbuffered), so what `serve` prints on its first start and each
/// `jobs status --watch` report reach a log file or another program while the process runs, not when it exits.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
