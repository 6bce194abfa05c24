import ArgumentParser
import Foundation
import GraphSyncApp
import GraphSyncAuthority
import GraphSyncCore
import Logging

/// Seeds a data directory for the provisioning benchmark: N users, an application whose job provisions every user
/// (`SyncAll`) to `--base` with a static token, started so the next `serve` runs it at once.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Create N users and a started SyncAll job.")

    @Option var dataDir: String
    @Option var count = 10_000
    @Option var base: String
    @Option var token = "bench-token"

    func run() async throws {
        var configuration = AppConfiguration()
        configuration.dataDirectory = self.dataDir
        configuration.tls = .none
        var logger = Logger(label: "bench-seed")
        logger.logLevel = .error
        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        // Users never sign in here: one stretched hash serves them all (hashing each would dominate seeding).
        let passwordHash = PasswordHasher().hash("Bench!Passw0rd")
        let started = Date()
        for index in 0..<self.count {
            try await runtime.repositories.users.create(User(
                id: Identifiers.objectId(), userPrincipalName: "user\(index)@bench.test", displayName: "User \(index)", mailNickname: "user\(index)",
                givenName: "User", surname: "\(index)", mail: "user\(index)@bench.test", createdDateTime: Date(), passwordHash: passwordHash))
            if index % 10_000 == 9_999 { FileHandle.standardError.write(Data("seeded \(index + 1) users\n".utf8)) }
        }
        let (_, sp, _) = try await runtime.createApplication(displayName: "bench SCIM app", permissions: [])
        try await runtime.repositories.synchronizationSecrets.replace(
            SynchronizationSecrets([.baseAddress: self.base, .secretToken: self.token, .syncAll: "True"]), of: sp.id)
        let jobs = JobService(repositories: runtime.repositories)
        let job = try await jobs.start(try await jobs.create(servicePrincipalId: sp.id, templateId: "scim"))
        try await runtime.close()
        FileHandle.standardError.write(Data("seeded in \(Int(Date().timeIntervalSince(started))) s\n".utf8))
        print(job.id)
    }
}

/// Waits for a job's first cycle to finish, printing progress; prints the cycle's state, duration and counts.
struct WaitJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wait-job", abstract: "Wait for a job's cycle to end.")

    @Option var dataDir: String
    @Option var job: String
    @Option var timeout: Double = 900

    func run() async throws {
        var configuration = AppConfiguration()
        configuration.dataDirectory = self.dataDir
        configuration.tls = .none
        var logger = Logger(label: "bench-wait")
        logger.logLevel = .error
        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        let deadline = Date().addingTimeInterval(self.timeout)
        var lastShown = -1
        while Date() < deadline {
            if let job = try await runtime.repositories.jobs.get(id: self.job) {
                if let execution = job.status.lastExecution {
                    let seconds = execution.timeEnded.timeIntervalSince(execution.timeBegan)
                    print(String(format: "cycle %@ in %.2f s: %d in scope, %d exported, %d escrowed", execution.state, seconds,
                                 execution.countEntitled, execution.countExported, execution.countEscrowed))
                    try await runtime.close()
                    return
                }
                if let progress = job.status.progress.last, progress.completedUnits != lastShown {
                    lastShown = progress.completedUnits
                    FileHandle.standardError.write(Data("  progress \(progress.completedUnits)/\(progress.totalUnits)\n".utf8))
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await runtime.close()
        throw ValidationError("The job did not finish a cycle within \(Int(self.timeout)) s.")
    }
}
