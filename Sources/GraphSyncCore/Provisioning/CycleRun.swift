import Foundation

/// One provisioning cycle of one job: in-scope users first (bounded concurrency), then users who left scope, then
/// groups with their members, then groups that left scope.
///
/// The scope and the per-object state are read a page at a time, so memory stays flat however many objects the job
/// has. Outcomes are saved in batches of `batchSize` as objects complete, so a cycle killed halfway loses at most one
/// batch of bookkeeping: the next cycle matches those objects in the app again and converges.
struct CycleRun: Sendable {
    let engine: ProvisioningEngine
    let job: SynchronizationJob
    let context: ProvisioningEngine.Context
    let scope: ProvisioningScope

    struct Outcome {
        var entitled = 0
        var exported = 0
        var escrowed = 0
        var attempted = 0
        var activeCounts: [String: Int] = [:]
        var completeFailure: SCIMError?
    }

    /// What happened to one object.
    struct Result: Sendable {
        var state: ProvisionedObject
        var log: ProvisioningLogEntry?
        var exported = false
        var error: SCIMError?
        var changed = false
        /// Why the object was not provisioned although it is assigned (for provisionOnDemand's report).
        var skipReason: String?
        /// A reference (`manager`) waits for its user to be in the app.
        var pendingReference = false
    }

    var repositories: Repositories { self.engine.repositories }
    var scim: any SCIMClient { self.engine.scim }
    static let usersPath = "Users"
    static let groupsPath = "Groups"
    /// Objects whose outcomes are saved together.
    static let batchSize = 100
    /// Objects read from the directory at a time.
    static let pageSize = 500

    func execute(progress report: @escaping @Sendable (Int, Int) async -> Void) async throws -> Outcome {
        var outcome = Outcome()
        let scopeRepository = self.repositories.provisioningScope
        let groups = self.context.groupMapping == nil ? [] : try await scopeRepository.groups(in: self.scope)
        let userCount = self.context.userMapping == nil ? 0 : try await scopeRepository.countUsers(in: self.scope)
        outcome.entitled = userCount + groups.count
        var progress = CycleProgress(total: outcome.entitled, report: report)

        if let mapping = self.context.userMapping {
            if let failure = try await self.provisionUsers(mapping, outcome: &outcome, progress: &progress) {
                outcome.completeFailure = failure
                return outcome
            }
            try await self.deprovisionUsersOutOfScope(outcome: &outcome)
        }
        if let mapping = self.context.groupMapping {
            try await self.provisionGroups(groups, mapping: mapping, outcome: &outcome, progress: &progress)
            try await self.deprovisionGroupsOutOfScope(assigned: Set(groups.map(\.id)), outcome: &outcome)
        }
        outcome.activeCounts = try await self.repositories.provisionedObjects.countsInApp(jobId: self.job.id)
        return outcome
    }

    /// Provisions one in-scope user or group now (provisionOnDemand); nil when the object is not in scope.
    func provisionOne(objectId: String, objectType: String) async throws -> ProvisioningLogEntry? {
        let id = objectId.lowercased()
        let result: Result
        if objectType.lowercased() == "group" {
            guard let mapping = self.context.groupMapping else { return nil }
            let groups = try await self.repositories.provisioningScope.groups(in: self.scope)
            guard let group = groups.first(where: { $0.id == id }) else { return nil }
            result = await self.provisionGroup(group, mapping: mapping, state: try await self.state(of: group.id, type: "Group"),
                                               members: try await self.memberTargetIds(of: group.id),
                                               sharedName: await Self.sharedMatchingValues(groups, mapping: mapping)[group.id])
        } else {
            guard let mapping = self.context.userMapping, try await self.repositories.provisioningScope.inScope(userIds: [id], of: self.scope).contains(id),
                let user = try await self.repositories.users.get(id: id)
            else { return nil }
            result = await self.provisionUser(user, mapping: mapping, state: try await self.state(of: user.id, type: "User"))
        }
        var outcome = Outcome()
        try await self.absorb([result], outcome: &outcome)
        return result.log ?? ProvisioningLogEntry(
            jobId: self.job.id, servicePrincipalId: self.job.servicePrincipalId, sourceId: objectId, sourceDisplayName: nil, objectType: objectType,
            action: "Skip", status: "skipped", targetId: result.state.targetId, modifiedProperties: [],
            detail: result.skipReason ?? "Already up to date in the app.")
    }

    // MARK: state

    /// The saved states of `sourceIds`, by source id.
    func states(of sourceIds: [String]) async throws -> [String: ProvisionedObject] {
        Dictionary(try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: sourceIds).map { ($0.sourceId, $0) },
                   uniquingKeysWith: { $1 })
    }

    func state(of sourceId: String, type: String) async throws -> ProvisionedObject {
        try await self.states(of: [sourceId])[sourceId] ?? ProvisionedObject(jobId: self.job.id, sourceId: sourceId, objectType: type)
    }

    /// Saves each result's state, appends its log line, and counts it.
    func absorb(_ results: [Result], outcome: inout Outcome) async throws {
        var log: [ProvisioningLogEntry] = []
        var changed: [ProvisionedObject] = []
        for result in results {
            if result.state.targetId == nil && !result.state.active {
                try await self.repositories.provisionedObjects.delete(jobId: self.job.id, sourceId: result.state.sourceId)
            } else if result.changed {
                changed.append(result.state)
            }
            if let entry = result.log { log.append(entry) }
            if result.exported || result.error != nil { outcome.attempted += 1 }
            if result.exported { outcome.exported += 1 }
            if result.error != nil { outcome.escrowed += 1 }
        }
        try await self.repositories.provisionedObjects.save(changed)
        try await self.repositories.provisioningLog.append(log)
        Telemetry.provisioningActions(log)
    }

    /// Runs `work` over `items` with at most `concurrency` in flight, handing results over in batches as they complete.
    func bounded<Item: Sendable>(
        _ items: [Item], _ work: @escaping @Sendable (Item) async -> Result, onBatch: ([Result]) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Result.self) { group in
            var batch: [Result] = []
            var iterator = items.makeIterator()
            for _ in 0..<self.engine.settings.concurrency {
                guard let item = iterator.next() else { break }
                group.addTask { await work(item) }
            }
            while let result = try await group.next() {
                batch.append(result)
                if batch.count >= Self.batchSize {
                    try await onBatch(batch)
                    batch.removeAll(keepingCapacity: true)
                }
                // A cancelled cycle (its time limit, a shutdown, a lost lease) starts no more objects.
                try Task.checkCancellation()
                if let item = iterator.next() { group.addTask { await work(item) } }
            }
            if !batch.isEmpty { try await onBatch(batch) }
        }
        try Task.checkCancellation()
    }

    func log(
        _ sourceId: String, _ name: String?, _ type: String, _ action: String, _ state: ProvisionedObject, _ properties: [String], _ failure: String?,
        values: [(String, JSONValue)] = [], previous: [String: String]? = nil
    ) -> ProvisioningLogEntry {
        ProvisioningLogEntry(
            jobId: self.job.id, servicePrincipalId: self.job.servicePrincipalId, sourceId: sourceId, sourceDisplayName: name, objectType: type,
            action: action, status: failure == nil ? "success" : "failure", targetId: state.targetId, modifiedProperties: properties,
            newValues: values.isEmpty ? nil : Self.loggedValues(values), oldValues: action == "Update" ? previous : nil, detail: failure)
    }

    /// One object not provisioned for `error` before anything was sent: escrowed, with a failure in the log.
    func escrow(_ state: ProvisionedObject, id: String, name: String?, type: String, action: String, error: SCIMError) -> Result {
        var state = state
        state.lastError = error.message
        state.errorCount += 1
        return Result(state: state, log: self.log(id, name, type, action, state, [], error.message), error: error, changed: true)
    }

    /// The values that differ from what was last exported, as Entra PATCHes only what changed (all of them when
    /// nothing is known: a state kept before GraphSync recorded exported values, or an object just matched).
    static func changed(_ values: [(String, JSONValue)], since exported: [String: String]?) -> [(String, JSONValue)] {
        guard let exported else { return values }
        let now = Self.loggedValues(values)
        return values.filter { now[$0.0] != exported[$0.0] }
    }

    /// What the log shows of values sent: text (several values joined with `;`), and never a password.
    static func loggedValues(_ values: [(String, JSONValue)]) -> [String: String] {
        var logged: [String: String] = [:]
        for (name, value) in values {
            if name.lowercased().contains("password") {
                logged[name] = "[Redacted]"
            } else if let items = value.arrayValue {
                logged[name] = items.compactMap { MappingFunction.text($0) }.joined(separator: ";")
            } else if let text = MappingFunction.text(value) {
                logged[name] = String(text.prefix(1_024))
            }
        }
        return logged
    }
}

/// Counts a cycle's finished objects and reports them at most once a second (each report is a database write).
struct CycleProgress {
    let total: Int
    let report: @Sendable (Int, Int) async -> Void
    private(set) var done = 0
    private var lastReport: ContinuousClock.Instant?

    init(total: Int, report: @escaping @Sendable (Int, Int) async -> Void) {
        self.total = total
        self.report = report
    }

    mutating func advance(by count: Int) async {
        self.done += count
        let now = ContinuousClock.now
        if let last = self.lastReport, now - last < .seconds(1) { return }
        self.lastReport = now
        await self.report(self.done, self.total)
    }
}

extension CycleRun {
    /// The outcome for an object the mapping's scoping filters exclude (handled like an object that left scope), or
    /// nil when it is in scope. An object whose filters could not be decided in time is left as it is in the app.
    /// Whether the mapping's scoping filters admit `source`; nil when a regular expression in them took too long.
    static func admits(_ mapping: ObjectMapping, _ source: [String: JSONValue]) async -> Bool? {
        guard let filter = mapping.scope else { return true }
        // Regular expressions run on the CPU-bound threads, so a slow pattern never holds a cooperative thread.
        return filter.usesRegularExpressions ? await CPUBoundWork.run { filter.admits(source) } : filter.admits(source)
    }

    func applyScopingFilters(
        _ mapping: ObjectMapping, source: [String: JSONValue], state: ProvisionedObject, kind: String,
        leave: (ProvisionedObject) async -> Result
    ) async -> Result? {
        guard mapping.scope != nil else { return nil }
        switch await Self.admits(mapping, source) {
        case true: return nil
        case false:
            var result = state.isInApp ? await leave(state) : Result(state: state)
            result.skipReason = "Out of the \(kind) mapping's scoping filters."
            return result
        case nil:
            var result = Result(state: state)
            result.skipReason = "A regular expression in the \(kind) mapping's scoping filters took too long to evaluate; the \(kind) was left as it is."
            return result
        }
    }
}
