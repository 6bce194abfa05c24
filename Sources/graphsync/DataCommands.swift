import ArgumentParser
import Foundation
import GraphSyncApp
import Logging

/// `graphsync backup --to FILE`: a consistent copy of the database (SQLite or PostgreSQL) into a new SQLite file, safe
/// while GraphSync serves. Restore by pointing `--database sqlite:///FILE` at it, or by `migrate-data` into PostgreSQL.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database (consistently, while GraphSync runs) into a new SQLite file.")

    @OptionGroup var options: DataOptions

    @Option(help: "The SQLite file to create (it must not exist yet).") var to: String

    func run() async throws {
        let source = try self.options.existingConfiguration()
        let path = InitCommand.absolute(self.to)
        guard !FileManager.default.fileExists(atPath: path) else { throw CommandFailure("\(path) already exists; back up into a new file.") }
        var target = source
        target.databaseURL = "sqlite://\(path)"
        try await copy(from: source, to: target, what: "backup written to \(path)", logLevel: self.options.logLevel)
        say("The data directory's secret.key (or GRAPHSYNC_SECRET_KEY) is needed to read the secrets in it: keep both.")
    }
}

/// `graphsync migrate-data --from URL --to URL`: copies everything into another, empty database (for instance from
/// the embedded SQLite to PostgreSQL), checking every table's row count.
struct MigrateDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-data", abstract: "Copy everything into another, empty database (e.g. SQLite to PostgreSQL), checking row counts.")

    @Option(help: "The database to copy: sqlite:///path/file.sqlite or postgres://user@host/database (its password from --source-password-file or GRAPHSYNC_SOURCE_DATABASE_PASSWORD, not the URL, which process lists show).")
    var from: String
    @Option(help: "The empty database to copy into: sqlite:///path/file.sqlite or postgres://user@host/database (its password from --target-password-file or GRAPHSYNC_TARGET_DATABASE_PASSWORD).")
    var to: String
    @Option(help: "A file holding the source database's password (one line).") var sourcePasswordFile: String?
    @Option(help: "A file holding the target database's password (one line).") var targetPasswordFile: String?
    @Option(help: "Log level.") var logLevel: Logger.Level?

    func run() async throws {
        var source = AppConfiguration()
        source.databaseURL = try Self.url(self.from, passwordFile: self.sourcePasswordFile, variable: "GRAPHSYNC_SOURCE_DATABASE_PASSWORD")
        var target = AppConfiguration()
        target.databaseURL = try Self.url(self.to, passwordFile: self.targetPasswordFile, variable: "GRAPHSYNC_TARGET_DATABASE_PASSWORD")
        try await copy(from: source, to: target, what: "copied", logLevel: self.logLevel)
        say("Start every node with the new --database and the same GRAPHSYNC_SECRET_KEY (or secret.key) as before.")
    }

    /// The URL with the password from the file or the variable (`DatabasePassword.resolve`).
    static func url(_ url: String, passwordFile: String?, variable: String) throws -> String {
        do {
            return try DatabasePassword.resolve(url, file: passwordFile, variable: variable)
        } catch let error as ConfigurationError {
            throw CommandFailure(error.description)
        }
    }
}

/// Copies, printing a line per table, and turns failures into one readable line.
private func copy(from source: AppConfiguration, to target: AppConfiguration, what: String, logLevel: Logger.Level?) async throws {
    let logger = makeLogger(level: logLevel ?? .warning)
    let started = Date()
    let copied: [(table: String, rows: Int)]
    do {
        copied = try await DatabaseMaintenance.copy(from: source, to: target, logger: logger)
    } catch {
        throw CommandFailure("\(error)")
    }
    for (table, rows) in copied { say("  " + table.padding(toLength: 24, withPad: " ", startingAt: 0) + " \(rows) rows") }
    say("\(copied.reduce(0) { $0 + $1.rows }) rows \(what), counts verified, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
}
