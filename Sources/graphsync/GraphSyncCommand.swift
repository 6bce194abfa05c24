import ArgumentParser

/// The `graphsync` command: a self-hosted, Microsoft Graph–compatible provisioning synchronization service.
@main
struct GraphSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graphsync",
        abstract: "A self-hosted, Microsoft Graph-compatible provisioning synchronization service.",
        subcommands: [ServeCommand.self, InitCommand.self, TokenCommand.self, AppCommand.self, UserCommand.self, JobsCommand.self, BackupCommand.self,
                      MigrateDataCommand.self, KeysCommand.self, ValidateAppCommand.self],
        defaultSubcommand: ServeCommand.self)
}
