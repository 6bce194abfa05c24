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

    @OptionGroup var store: BenchStoreOptions
    @Option var count = 10_000
    @Option(help: "The SCIM base URL of each job's app (one job per --base).") var base: [String]
    @Option var token = "bench-token"

    func run() async throws {
        let configuration = self.store.configuration()
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
        let jobs = JobService(repositories: runtime.repositories)
        for base in self.base {
            let (_, sp, _) = try await runtime.createApplication(displayName: "bench SCIM app", permissions: [])
            try await runtime.repositories.synchronizationSecrets.replace(
                SynchronizationSecrets([.baseAddress: base, .secretToken: self.token, .syncAll: "True"]), of: sp.id)
            let job = try await jobs.start(try await jobs.create(servicePrincipalId: sp.id, templateId: "scim"))
            print(job.id)
        }
        try await runtime.close()
        FileHandle.standardError.write(Data("seeded in \(Int(Date().timeIntervalSince(started))) s\n".utf8))
    }
}

/// Waits for each job's first cycle to finish, printing progress; prints each cycle's state, duration and counts,
/// then (for several jobs) the span from the earliest start to the latest end.
struct WaitJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wait-job", abstract: "Wait for jobs' first cycles to end.")

    @OptionGroup var store: BenchStoreOptions
    @Option var job: [String]
    @Option var timeout: Double = 900

    func run() async throws {
        let configuration = self.store.configuration()
        var logger = Logger(label: "bench-wait")
        logger.logLevel = .error
        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        let deadline = Date().addingTimeInterval(self.timeout)
        var lastShown = -1
        var finished: [String: SynchronizationJob.TaskExecution] = [:]
        while Date() < deadline {
            var done = 0
            for id in self.job {
                guard finished[id] == nil, let job = try await runtime.repositories.jobs.get(id: id) else { continue }
                if let execution = job.status.lastExecution {
                    finished[id] = execution
                    let seconds = execution.timeEnded.timeIntervalSince(execution.timeBegan)
                    print(String(format: "cycle %@ in %.2f s: %d in scope, %d exported, %d escrowed", execution.state, seconds,
                                 execution.countEntitled, execution.countExported, execution.countEscrowed))
                } else if let progress = job.status.progress.last { done += progress.completedUnits }
            }
            if finished.count == self.job.count {
                if self.job.count > 1, let began = finished.values.map(\.timeBegan).min(), let ended = finished.values.map(\.timeEnded).max() {
                    print(String(format: "all %d jobs in %.2f s", self.job.count, ended.timeIntervalSince(began)))
                }
                try await runtime.close()
                return
            }
            if done != lastShown {
                lastShown = done
                FileHandle.standardError.write(Data("  progress \(done) objects in running cycles\n".utf8))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await runtime.close()
        throw ValidationError("The jobs did not finish a cycle within \(Int(self.timeout)) s.")
    }
}

/// Where the bench's data lives: a data directory, and a database URL (PostgreSQL) when given.
struct BenchStoreOptions: ParsableArguments {
    @Option var dataDir: String
    @Option(help: "postgres://… instead of the data directory's SQLite.") var database: String?

    func configuration() -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.dataDirectory = self.dataDir
        configuration.databaseURL = self.database
        configuration.tls = .none
        return configuration
    }
}
