import Foundation

/// Creating and controlling synchronization jobs: what `POST jobs`, `start`, `pause` and `restart` do.
public struct JobService: Sendable {
    public let repositories: Repositories
    /// The schedule interval of new jobs (Entra's default is 40 minutes).
    public let defaultInterval: TimeInterval

    public init(repositories: Repositories, defaultInterval: TimeInterval = 40 * 60) {
        self.repositories = repositories
        self.defaultInterval = defaultInterval
    }

    /// A new job from a template, as Graph creates one: disabled, `NotConfigured`, its interval unset until it is started.
    /// Its id is `{templateId}.{32 hex}` as Graph's are; `templateId` reads back exactly as it was sent.
    /// `schema` is the application's customized template schema, when it has one.
    public func create(servicePrincipalId: String, templateId: String, schema: SynchronizationSchema? = nil) async throws -> SynchronizationJob {
        guard let template = SynchronizationTemplate.named(templateId) else {
            throw DirectoryError.badRequest("Template '\(templateId)' does not exist. Available: \(SynchronizationTemplate.builtIn.map(\.id).joined(separator: ", ")).")
        }
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var status = SynchronizationJob.Status()
        status.code = "NotConfigured"
        var job = SynchronizationJob(
            id: "\(template.id).\(suffix)", servicePrincipalId: servicePrincipalId, templateId: templateId,
            schedule: .init(expiration: nil, interval: SynchronizationJob.unsetInterval, state: "Disabled"), status: status,
            schema: schema ?? template.schema, nextRun: nil)
        job.deletionThreshold = SynchronizationJob.defaultDeletionThreshold
        try await self.repositories.jobs.create(job)
        return job
    }

    /// Activates the schedule and runs a cycle at once.
    public func start(_ job: SynchronizationJob, now: Date = Date()) async throws -> SynchronizationJob {
        try await self.change(job.id) { [interval = self.defaultInterval] in Self.activate(&$0, interval: interval, now: now) }
    }

    /// Stops scheduling; state and watermarks are kept.
    public func pause(_ job: SynchronizationJob) async throws -> SynchronizationJob {
        try await self.change(job.id) { job in
            job.schedule.state = "Paused"
            job.status.code = "Paused"
            job.nextRun = nil
        }
    }

    /// Resets what `resetScope` names (flags `ConnectorDataStore`, `Escrows`, `Watermark`, `QuarantineState`, `Full`,
    /// `ForceDeletes`), then starts the job, in one transaction.
    public func restart(_ job: SynchronizationJob, resetScope: Set<String>, now: Date = Date()) async throws -> SynchronizationJob {
        let full = resetScope.contains("Full")
        return try await self.repositories.transaction { tx in
            guard var job = try await tx.jobs.get(id: job.id) else { throw DirectoryError.notFound(id: job.id) }
            try await tx.provisionedObjects.reset(
                jobId: job.id, watermarks: full || resetScope.contains("Watermark"), escrows: full || resetScope.contains("Escrows"),
                connectorData: full || resetScope.contains("ConnectorDataStore"))
            if full || resetScope.contains("QuarantineState") {
                job.status.quarantine = nil
                job.status.countSuccessiveCompleteFailures = 0
                job.status.code = "NotRun"
            }
            // ForceDeletes: the deletions a threshold stopped go ahead in the next cycle (once).
            if resetScope.contains("ForceDeletes") {
                job.forceDeletes = true
                if job.status.quarantine?.reason == "TooManyDeletes" {
                    job.status.quarantine = nil
                    job.status.code = "NotRun"
                }
            }
            Self.activate(&job, interval: self.defaultInterval, now: now)
            try await tx.jobs.update(job)
            return job
        }
    }

    /// Replaces the job's schema (validated: scoping filters and mapping expressions) and gives it a new version.
    public func replaceSchema(of job: SynchronizationJob, with schema: SynchronizationSchema) async throws {
        if let problem = schema.problem { throw DirectoryError.badRequest(problem) }
        _ = try await self.change(job.id) { job in
            job.schema = schema
            job.schema.version = UUID().uuidString.uppercased()
        }
    }

    /// `PUT`/`DELETE applications/{id}/synchronization/templates/{templateId}/schema`: the application's own version of a
    /// template's schema (validated), which its new jobs start from; nil goes back to the built-in one.
    public func customizeTemplate(_ templateId: String, of applicationId: String, schema: SynchronizationSchema?, directory: DirectoryService)
        async throws
    {
        guard let template = SynchronizationTemplate.named(templateId) else { throw DirectoryError.notFound(id: templateId) }
        if let problem = schema?.problem { throw DirectoryError.badRequest(problem) }
        var versioned = schema
        versioned?.version = UUID().uuidString.uppercased()
        try await directory.changeApplication(applicationId) { [versioned] application in
            try application.setTemplateSchema(versioned, for: template.id)
        }
    }

    /// `DELETE …/schema`: the job's schema goes back to its template's, with a new version.
    public func resetSchema(of job: SynchronizationJob) async throws {
        guard let template = SynchronizationTemplate.named(job.templateId) else {
            throw DirectoryError.badRequest("The job's template '\(job.templateId)' no longer exists; replace its schema with PUT instead.")
        }
        _ = try await self.change(job.id) { job in
            job.schema = template.schema
            job.schema.version = UUID().uuidString.uppercased()
        }
    }

    /// Sets the accidental-deletion threshold (nil: off).
    public func setDeletionThreshold(of job: SynchronizationJob, to threshold: Int?) async throws -> SynchronizationJob {
        if let threshold, !(1...1_000_000).contains(threshold) {
            throw DirectoryError.badRequest("The accidental-deletion threshold must be between 1 and 1,000,000 (or empty to turn it off).")
        }
        return try await self.change(job.id) { $0.deletionThreshold = threshold }
    }

    /// Sets how often the job runs (Entra's is fixed at 40 minutes; GraphSync lets an admin choose 1 minute to a day).
    /// The next cycle is due one interval after the last one began.
    public func setInterval(of job: SynchronizationJob, to interval: TimeInterval) async throws -> SynchronizationJob {
        guard interval.isFinite, (60...86_400).contains(interval) else {
            throw DirectoryError.badRequest("The provisioning interval must be between 1 minute and 24 hours.")
        }
        return try await self.change(job.id) { job in
            job.schedule.interval = interval
            if job.schedule.state == "Active", let began = job.status.lastExecution?.timeBegan { job.nextRun = began.addingTimeInterval(interval) }
        }
    }

    /// Reads, changes and writes a job in one transaction, so concurrent changes (a cycle's progress, a pause) are kept.
    func change(_ id: String, _ body: @escaping @Sendable (inout SynchronizationJob) throws -> Void) async throws -> SynchronizationJob {
        try await self.repositories.transaction { tx in
            guard var job = try await tx.jobs.get(id: id) else { throw DirectoryError.notFound(id: id) }
            try body(&job)
            try await tx.jobs.update(job)
            return job
        }
    }

    /// Schedules the job now; a job never started before gets `interval`.
    private static func activate(_ job: inout SynchronizationJob, interval: TimeInterval, now: Date) {
        if job.schedule.interval == SynchronizationJob.unsetInterval { job.schedule.interval = interval }
        job.schedule.state = "Active"
        if job.status.code != "Quarantine" { job.status.code = "Active" }
        job.nextRun = job.status.quarantine.map { max($0.nextAttempt, now) } ?? now
    }

    /// The flags of a `resetScope` string (`"Watermark, Escrows"`), matched case-insensitively; an unknown one is refused.
    public static func resetScope(parsing text: String) throws -> Set<String> {
        var flags: Set<String> = []
        for flag in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !flag.isEmpty {
            guard let known = Self.resetScopeFlags.first(where: { $0.caseInsensitiveCompare(flag) == .orderedSame }) else {
                throw DirectoryError.badRequest("resetScope flag '\(flag)' is not one of \(Self.resetScopeFlags.sorted().joined(separator: ", ")).")
            }
            flags.insert(known)
        }
        return flags
    }

    /// The restart flag names Graph serializes (`"Watermark, Escrows, QuarantineState"`).
    public static let resetScopeFlags: Set<String> = ["None", "ConnectorDataStore", "Escrows", "Watermark", "QuarantineState", "Full", "ForceDeletes"]
}
