import ArgumentParser
import Foundation
import GraphSyncApp
import GraphSyncCore
import Logging

/// `graphsync jobs status`: every synchronization job's state, last cycle, counts, progress and errors.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "Synchronization jobs.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each job's state, last cycle counts, progress and errors.")
        @OptionGroup var options: DataOptions
        @Flag(help: "Keep refreshing every second (Ctrl-C to stop).") var watch = false

        func run() async throws {
            try await withRuntime(self.options) { runtime in
                repeat {
                    say(try await Self.report(runtime))
                    if self.watch { try await Task.sleep(for: .seconds(1)) }
                } while self.watch
            }
        }

        static func report(_ runtime: GraphSyncRuntime) async throws -> String {
            var lines: [String] = []
            var after: String?
            repeat {
                let page = try await runtime.repositories.servicePrincipals.list(DirectoryQuery(top: DirectoryQuery.maxTop, after: after))
                for sp in page.items {
                    for job in try await runtime.repositories.jobs.list(servicePrincipalId: sp.id) {
                        lines.append(Self.describe(job, app: sp.displayName))
                    }
                }
                after = page.next
            } while after != nil
            return lines.isEmpty ? "No synchronization jobs. Create one with POST /v1.0/servicePrincipals/{id}/synchronization/jobs {\"templateId\":\"scim\"}." : lines.joined(separator: "\n\n")
        }

        static func describe(_ job: SynchronizationJob, app: String) -> String {
            let status = job.status
            var text = "\(app) — job \(job.id)\n  state \(job.schedule.state), status \(status.code)"
            if let progress = status.progress.last, progress.totalUnits > 0 {
                text += ", progress \(progress.completedUnits)/\(progress.totalUnits) \(progress.units.lowercased())"
            }
            if let last = status.lastExecution {
                text += "\n  last cycle \(last.state) at \(last.timeEnded.formatted(.iso8601)): \(last.countEntitled) in scope, \(last.countExported) exported, \(last.countEscrowed) escrowed"
                if let error = last.error { text += "\n  error \(error.code): \(error.message)" }
            } else {
                text += "\n  not run yet"
            }
            if !status.synchronizedEntryCountByType.isEmpty {
                text += "\n  provisioned " + status.synchronizedEntryCountByType.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.lowercased())s" }.joined(separator: ", ")
            }
            if let quarantine = status.quarantine {
                text += "\n  QUARANTINED since \(quarantine.currentBegan.formatted(.iso8601)) (\(quarantine.reason)); next attempt \(quarantine.nextAttempt.formatted(.iso8601))"
            }
            if let next = job.nextRun { text += "\n  next cycle \(next.formatted(.iso8601))" }
            return text
        }
    }
}
