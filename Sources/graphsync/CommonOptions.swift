import ArgumentParser
import Foundation
import GraphSyncApp
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

    @Option(help: "Database URL: sqlite:///path/file.sqlite (default: <data-dir>/graphsync.sqlite).")
    var database: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: info for serve, warning otherwise).")
    var logLevel: Logger.Level?

    func configuration() -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.dataDirectory = self.dataDirectory
        configuration.host = self.host
        configuration.port = self.port
        configuration.databaseURL = self.database
        configuration.tls = self.http ? .none : .localCertificateAuthority
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
        return handler
    }
    var logger = Logger(label: "graphsync")
    logger.logLevel = level
    return logger
}
