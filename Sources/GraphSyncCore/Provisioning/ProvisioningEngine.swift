import Foundation
import Logging

/// Runs provisioning cycles: pushes a job's in-scope users and groups into its SCIM app with the job's token,
/// sending only what changed since the last export, and records status, escrows, quarantine and a log.
public struct ProvisioningEngine: Sendable {
    public struct Settings: Sendable {
        /// Requests in flight per job.
        public var concurrency = 8
        /// New objects matched per query (`attr eq "a" or attr eq "b" …`); 1 sends Entra's one query per object.
        public var matchBatchSize = 1
        /// Retries of a throttled (429) or failing (5xx, network) request within a cycle.
        public var retries = 3
        /// Complete failures in a row before the job is quarantined.
        public var quarantineThreshold = 3
        /// First retry delay after a complete failure; doubles per failure in a quarantine series (capped at a day).
        public var failureBackoff: TimeInterval = 60
        /// Wall-clock cap on one cycle; a cycle still running then is stopped and recorded as failed
        /// (`CycleTimeLimitExceeded`). What it finished is kept, and the next cycle carries on from there.
        public var maximumCycleDuration: TimeInterval = 3600
        public init() {}
    }

    public let repositories: Repositories
    public let synchronization: SynchronizationService
    public let scim: any SCIMClient
    public let settings: Settings
    public let logger: Logger

    public init(repositories: Repositories, synchronization: SynchronizationService, scim: any SCIMClient, settings: Settings = Settings(), logger: Logger) {
        self.repositories = repositories
        self.synchronization = synchronization
        self.scim = scim
        self.settings = settings
        self.logger = logger
    }

    /// One full cycle for `job`; returns the job with its new status and next run. Throws `CancellationError` when
    /// cancelled, leaving the job as it was (no cycle is recorded).
    ///
    /// With a `leaseOwner`, the result is saved only while that node still holds the job's lease.
    public func runCycle(_ job: SynchronizationJob, leaseOwner: String? = nil) async throws -> SynchronizationJob {
        let startedAs = job
        var job = job
        let began = Date()
        let activity = UUID().uuidString.lowercased()
        var execution = SynchronizationJob.TaskExecution(activityIdentifier: activity, state: "Succeeded", timeBegan: began, timeEnded: began)
        var credential: Credential?
        do {
            let context = try await self.prepare(job)
            credential = context.credential
            let run = CycleRun(engine: self, job: job, context: context, scope: Self.scope(of: job, context.secrets))
            let jobId = job.id
            let outcome = try await TimeLimit.run(within: .clamped(seconds: self.settings.maximumCycleDuration, maximum: 7 * 86_400)) {
                try await run.execute { done, total in
                    let progress = SynchronizationJob.Progress(completedUnits: done, totalUnits: total, units: "Objects", progressObservationDateTime: Date())
                    try? await self.repositories.jobs.updateProgress(id: jobId, progress: [progress])
                }
            }
            execution.countEntitled = outcome.entitled
            job.status.progress = [.init(completedUnits: outcome.entitled, totalUnits: outcome.entitled, units: "Objects", progressObservationDateTime: Date())]
            execution.countExported = outcome.exported
            execution.countEscrowed = outcome.escrowed
            if let failure = outcome.completeFailure {
                throw failure
            }
            execution.state = outcome.escrowed > 0 ? "EntryLevelErrors" : "Succeeded"
            execution.timeEnded = Date()
            self.recordSuccess(&job, execution, counts: outcome.activeCounts, now: Date())
        } catch {
            // Cancelled (shutdown, or the lease moved to another node): whoever runs the job next records its cycle.
            if error is CancellationError || Task.isCancelled { throw CancellationError() }
            execution.state = "Failed"
            execution.timeEnded = Date()
            execution.error = Self.jobError(error, credential: credential)
            self.recordFailure(&job, execution, now: Date())
            self.logger.warning("provisioning cycle failed", metadata: ["job": "\(job.id)", "error": "\(execution.error?.message ?? "")"])
        }
        Telemetry.cycleFinished(state: execution.state, seconds: execution.timeEnded.timeIntervalSince(execution.timeBegan))
        // The job may have been paused, restarted or deleted while the cycle ran: keep those decisions, reading and
        // writing in one transaction so none made meanwhile is lost.
        let finished = job
        let started = startedAs
        let saved: SynchronizationJob? = try await self.repositories.transaction { tx in
            guard var job = try await tx.jobs.get(id: finished.id) else { return nil }
            // The job as it is now (its schema, schedule, a restart's reset) with this cycle's outcome: its status, and its
            // next run unless someone rescheduled the job meanwhile.
            job.status = finished.status
            if job.schedule.state != "Active" {
                job.nextRun = nil
                if job.schedule.state == "Paused" { job.status.code = "Paused" }
            } else if job.nextRun == started.nextRun && job.schedule == started.schedule {
                job.nextRun = finished.nextRun
            }
            // A ForceDeletes restart allows one cycle.
            if started.forceDeletes == true { job.forceDeletes = nil }
            job.unrecordedCycles = nil
            if let leaseOwner {
                guard try await tx.jobs.update(job, leasedBy: leaseOwner) else { throw CancellationError() }
            } else {
                try await tx.jobs.update(job)
            }
            return job
        }
        return saved ?? job
    }

    /// Provisions one user or group now, outside the schedule (`provisionOnDemand`); nil when it is not in scope.
    public func provisionOnDemand(_ job: SynchronizationJob, objectId: String, objectType: String) async throws -> ProvisioningLogEntry? {
        let context = try await self.prepare(job)
        let objectId = Self.subjectId(objectId)
        return try await CycleRun(engine: self, job: job, context: context, scope: Self.scope(of: job, context.secrets))
            .provisionOne(objectId: objectId, objectType: objectType)
    }

    /// Checks what Entra checks before anything about the subjects of a provisionOnDemand: that the job can reach its
    /// app (a Tenant URL and a secret token or OAuth token are saved), and that `ruleId` is one of its schema's rules
    /// (an empty one means the job's first rule).
    public func checkOnDemand(_ job: SynchronizationJob, ruleId: String?) async throws {
        let secrets = try await self.repositories.synchronizationSecrets.secrets(of: job.servicePrincipalId)
        guard secrets[.baseAddress] != nil,
            secrets[.secretToken] != nil || secrets[.oauth2AccessToken] != nil || SynchronizationService.renewal(from: secrets) != nil
        else {
            throw SynchronizationError.missingCredentials(
                "CredentialsMissing: Please configure provisioning by providing your admin credentials (the Tenant URL as BaseAddress, and a SecretToken or an authorized OAuth token), then retry provisioning on demand.")
        }
        let rules = job.schema.synchronizationRules.map(\.id)
        // Entra's ids may carry a version suffix (`…#V2`).
        let bare = ruleId.map { String($0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }
        if let ruleId, let bare, !bare.isEmpty, !rules.contains(where: { $0.caseInsensitiveCompare(bare) == .orderedSame }) {
            throw DirectoryError.badRequest("ruleId '\(ruleId.prefix(100))' is not a rule of this job's schema; its rules are \(rules.joined(separator: ", ")).")
        }
    }

    /// A subject's object id as given (`{id}`) or as the SDKs build references (`/users/{id}`, `/groups/{id}`).
    static func subjectId(_ objectId: String) -> String {
        let trimmed = objectId.trimmingCharacters(in: .whitespaces)
        for prefix in ["/users/", "/groups/", "users/", "groups/"] where trimmed.lowercased().hasPrefix(prefix) {
            return String(trimmed.dropFirst(prefix.count))
        }
        return trimmed
    }

    /// Entra's "Test Connection": with these secrets (saved ones overlaid by `credentials` unless `useSaved`), query the
    /// app for a user that cannot exist and expect an empty answer. Throws `SCIMError` or `SynchronizationError`.
    /// `mayConfigureFederation`: whether the caller may manage the application (`SecretDestinations.bindFederation`).
    public func validateCredentials(
        servicePrincipalId: String, credentials: [(SynchronizationSecretKey, String)], useSaved: Bool, mayConfigureFederation: Bool = false
    ) async throws {
        let saved = try await self.repositories.synchronizationSecrets.secrets(of: servicePrincipalId)
        var secrets = saved
        if !useSaved {
            secrets = try SecretDestinations.overlay(saved, with: credentials, persisting: false)
            try SecretDestinations.bindFederation(saved, &secrets, mayConfigure: mayConfigureFederation)
        }
        guard let base = secrets[.baseAddress] else {
            throw SynchronizationError.missingCredentials("BaseAddress (the app's SCIM endpoint) is required to test the connection.")
        }
        let token: String
        if let secretToken = secrets[.secretToken], !useSaved || saved[.oauth2AccessToken] == nil {
            token = secretToken
        } else if let accessToken = secrets[.oauth2AccessToken] {
            if accessToken == saved[.oauth2AccessToken] && base == saved[.baseAddress] {
                // The saved OAuth token, to its saved address: refreshed first if it is due.
                token = try await self.synchronization.bearerToken(servicePrincipalId: servicePrincipalId)
            } else {
                // A token the caller supplied goes where the caller says; a saved one never leaves its address
                // (the overlay dropped it when the request moved BaseAddress).
                token = accessToken
            }
        } else if let request = SynchronizationService.renewal(from: secrets), case .clientCredentials = request.grant {
            // Client credentials (a secret, or workload identity federation): the token exchange is part of the test.
            // A federated token goes only to the saved Tenant URL (a client secret must be supplied again for a new one).
            if SynchronizationService.isFederated(secrets), saved[.baseAddress] != nil,
                !SecretDestinations.sameDestination(saved[.baseAddress], base)
            {
                throw SynchronizationError.secretsBoundToDestination(
                    "BaseAddress differs from the saved one: with workload identity federation, Test Connection tests the saved Tenant URL; save the new one first.")
            }
            token = try await self.synchronization.exchange(request, servicePrincipalId: servicePrincipalId)
        } else {
            throw SynchronizationError.missingCredentials(
                "A SecretToken, an OAuth token from acquireAccessToken, or client credentials (Oauth2TokenExchangeUri, Oauth2ClientId, and Oauth2ClientSecret or AuthenticationType WorkloadIdentityFederation) are required to test the connection.")
        }
        let probe = "userName eq \"\(UUID().uuidString.lowercased())@graphsync.invalid\""
        let found: [SCIMResource]
        do {
            found = try await self.scim.search(SCIMEndpoint(baseAddress: base, bearerToken: token), resourceType: "Users", filter: probe)
        } catch {
            // Entra's most common Test Connection failure: the Tenant URL is not the SCIM base (GET {base}/Users 404s).
            guard case .status(404, let detail, _) = error else { throw error }
            let said = detail.isEmpty ? "" : "\(detail). "
            throw SCIMError.status(
                404, detail: "\(said)GET \(base)/Users answered 404: the Tenant URL must be the app's SCIM base address, the one /Users and /Groups are below (often ending in /scim or /scim/v2)",
                retryAfter: nil)
        }
        // A user that cannot exist must not be found: an app that ignores the filter would match the wrong users.
        guard found.isEmpty else {
            throw SCIMError.refused("The app answered a filter on a userName that cannot exist with \(found.count) users: it must support `filter=userName eq \"…\"` (RFC 7644 §3.4.2.2), or provisioning would match the wrong users")
        }
    }

    /// Which saved credential a cycle sends as its bearer token. The OAuth access token (from `acquireAccessToken`)
    /// takes precedence over `SecretToken` when both are saved, as in Entra.
    enum Credential: String, Sendable {
        case oauthAccessToken = "the OAuth access token saved by acquireAccessToken (it takes precedence over SecretToken; remove Oauth2AccessToken from the secrets to send SecretToken instead)"
        case secretToken = "the saved SecretToken"
    }

    struct Context: Sendable {
        var endpoint: SCIMEndpoint
        var credential: Credential
        var secrets: SynchronizationSecrets
        var userMapping: ObjectMapping?
        var groupMapping: ObjectMapping?
    }

    private static func scope(of job: SynchronizationJob, _ secrets: SynchronizationSecrets) -> ProvisioningScope {
        ProvisioningScope(servicePrincipalId: job.servicePrincipalId, syncAll: secrets[.syncAll]?.lowercased() == "true")
    }

    private func prepare(_ job: SynchronizationJob) async throws -> Context {
        let secrets = try await self.repositories.synchronizationSecrets.secrets(of: job.servicePrincipalId)
        guard let base = secrets[.baseAddress] else {
            throw SynchronizationError.missingCredentials("No BaseAddress (the app's SCIM endpoint) is saved for this application.")
        }
        let token = try await self.synchronization.bearerToken(servicePrincipalId: job.servicePrincipalId)
        return Context(
            endpoint: SCIMEndpoint(baseAddress: base, bearerToken: token),
            credential: secrets[.oauth2AccessToken] != nil || secrets[.secretToken] == nil ? .oauthAccessToken : .secretToken,
            secrets: secrets,
            userMapping: job.schema.objectMapping(for: "User"), groupMapping: job.schema.objectMapping(for: "Group"))
    }

    private func recordSuccess(_ job: inout SynchronizationJob, _ execution: SynchronizationJob.TaskExecution, counts: [String: Int], now: Date) {
        job.status.lastExecution = execution
        job.status.lastSuccessfulExecution = execution
        if execution.countExported > 0 { job.status.lastSuccessfulExecutionWithExports = execution }
        job.status.countSuccessiveCompleteFailures = 0
        job.status.quarantine = nil
        job.status.code = job.schedule.state == "Paused" ? "Paused" : "Active"
        job.status.synchronizedEntryCountByType = counts
        if execution.countExported == 0 && execution.countEscrowed == 0 {
            if job.status.steadyStateFirstAchievedTime == nil { job.status.steadyStateFirstAchievedTime = now }
            job.status.steadyStateLastAchievedTime = now
        }
        job.nextRun = job.schedule.state == "Active" ? now.addingTimeInterval(job.schedule.interval) : nil
    }

    private func recordFailure(_ job: inout SynchronizationJob, _ execution: SynchronizationJob.TaskExecution, now: Date) {
        job.status.lastExecution = execution
        if execution.error?.code == "TooManyDeletes" {
            // Entra's accidental-deletion prevention: quarantined until an admin restarts with ForceDeletes.
            job.status.code = "Quarantine"
            job.status.quarantine = SynchronizationJob.Quarantine(
                currentBegan: now, nextAttempt: .distantFuture, reason: "TooManyDeletes", seriesBegan: now, seriesCount: 1, error: execution.error)
            job.nextRun = nil
            return
        }
        job.status.countSuccessiveCompleteFailures += 1
        let failures = job.status.countSuccessiveCompleteFailures
        let delay = min(self.settings.failureBackoff * pow(2, Double(max(0, failures - 1))), 86_400)
        if failures >= self.settings.quarantineThreshold {
            let previous = job.status.quarantine
            job.status.code = "Quarantine"
            job.status.quarantine = SynchronizationJob.Quarantine(
                currentBegan: previous?.currentBegan ?? now, nextAttempt: now.addingTimeInterval(delay), reason: "EncounteredQuarantineException",
                seriesBegan: previous?.seriesBegan ?? now, seriesCount: (previous?.seriesCount ?? 0) + 1, error: execution.error)
        }
        job.nextRun = job.schedule.state == "Active" ? now.addingTimeInterval(min(delay, job.schedule.interval)) : nil
    }

    static func jobError(_ error: any Error, credential: Credential? = nil) -> SynchronizationJobError {
        switch error {
        case ProvisioningStop.tooManyDeletes(let count, let threshold):
            return SynchronizationJobError(
                code: "TooManyDeletes",
                message: "At least \(count) users left scope, more than the accidental-deletion threshold of \(threshold); none was disabled or deleted. Check the assignments and scoping filters; to go ahead, restart the job with resetScope ForceDeletes.",
                tenantActionable: true)
        case let error as TimeLimit.Exceeded:
            return SynchronizationJobError(
                code: "CycleTimeLimitExceeded",
                message: "The cycle ran longer than \(error.limit.components.seconds) s and was stopped; objects it finished are kept and the next cycle carries on. A SCIM app answering very slowly is the usual cause.",
                tenantActionable: true)
        case let error as SCIMError:
            var message = error.message
            if case .status(let code, _, _) = error, code == 401 || code == 403, let credential {
                message += ". GraphSync sent \(credential.rawValue)"
            }
            return SynchronizationJobError(code: "SCIMAppUnavailable", message: message, tenantActionable: true)
        case SynchronizationError.missingCredentials(let message):
            return SynchronizationJobError(code: "CredentialsMissing", message: message, tenantActionable: true)
        case let error as SynchronizationError:
            return SynchronizationJobError(code: "TokenRefreshFailed", message: "\(error)", tenantActionable: true)
        default:
            return SynchronizationJobError(code: "InternalError", message: "The provisioning cycle failed unexpectedly.", tenantActionable: false)
        }
    }
}

/// Why a cycle stopped on purpose, before changing the app.
enum ProvisioningStop: Error, Sendable {
    /// More users left scope than the job's accidental-deletion threshold allows.
    case tooManyDeletes(atLeast: Int, threshold: Int)
}
