import Foundation

/// One provisioning cycle of one job: users first (bounded concurrency), then out-of-scope users, then groups with
/// their members. Outcomes are saved in batches of `batchSize` as objects complete, so a cycle killed halfway loses at
/// most one batch of bookkeeping: the next cycle matches those objects in the app again and converges.
struct CycleRun: Sendable {
    let engine: ProvisioningEngine
    let job: SynchronizationJob
    let context: ProvisioningEngine.Context
    let scope: ProvisioningScope

    struct Outcome {
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
    }

    private var repositories: Repositories { self.engine.repositories }
    private var scim: any SCIMClient { self.engine.scim }
    private static let usersPath = "Users"
    private static let batchSize = 100
    private static let groupsPath = "Groups"

    func execute(progress: @Sendable (Int, Int) async -> Void) async throws -> Outcome {
        var states = Dictionary(
            try await self.repositories.provisionedObjects.objects(jobId: self.job.id).map { ($0.sourceId, $0) }, uniquingKeysWith: { $1 })
        var outcome = Outcome()
        let total = self.scope.users.count + self.scope.groups.count
        var done = 0

        if let mapping = self.context.userMapping {
            let users = self.scope.users.values.sorted { $0.id < $1.id }
            let known = states
            var firstCompleteFailure: SCIMError?
            try await self.bounded(users) { user in
                await self.provisionUser(user, mapping: mapping, state: known[user.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: user.id, objectType: "User"))
            } onBatch: { batch in
                try await self.absorb(batch, into: &states, outcome: &outcome)
                firstCompleteFailure = firstCompleteFailure ?? batch.compactMap(\.error).first(where: \.isCompleteFailure)
                done += batch.count
                await progress(done, total)
            }
            if outcome.attempted > 0 && outcome.exported == 0, let failure = firstCompleteFailure {
                outcome.completeFailure = failure
                return outcome
            }
            let leaving = states.values.filter { $0.objectType == "User" && $0.active && $0.targetId != nil && self.scope.users[$0.sourceId] == nil }
            try await self.bounded(leaving) { await self.deprovisionUser($0) } onBatch: { batch in
                try await self.absorb(batch, into: &states, outcome: &outcome)
            }
        }

        if let mapping = self.context.groupMapping {
            let groups = self.scope.groups.values.sorted { $0.id < $1.id }
            var results: [Result] = []
            for group in groups {
                results.append(await self.provisionGroup(group, mapping: mapping, states: states))
                done += 1
            }
            try await self.absorb(results, into: &states, outcome: &outcome)
            for state in states.values where state.objectType == "Group" && state.targetId != nil && self.scope.groups[state.sourceId] == nil {
                try await self.absorb([await self.deprovisionGroup(state)], into: &states, outcome: &outcome)
            }
        }
        await progress(done, total)
        for state in states.values where state.active && state.targetId != nil {
            outcome.activeCounts[state.objectType, default: 0] += 1
        }
        return outcome
    }

    /// Provisions one in-scope user or group now (provisionOnDemand); nil when the object is not in scope.
    func provisionOne(objectId: String, objectType: String) async throws -> ProvisioningLogEntry? {
        var states = Dictionary(
            try await self.repositories.provisionedObjects.objects(jobId: self.job.id).map { ($0.sourceId, $0) }, uniquingKeysWith: { $1 })
        var outcome = Outcome()
        let result: Result
        if objectType.caseInsensitiveCompare("Group") == .orderedSame {
            guard let group = self.scope.groups[objectId.lowercased()], let mapping = self.context.groupMapping else { return nil }
            result = await self.provisionGroup(group, mapping: mapping, states: states)
        } else {
            guard let user = self.scope.users[objectId.lowercased()], let mapping = self.context.userMapping else { return nil }
            result = await self.provisionUser(
                user, mapping: mapping, state: states[user.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: user.id, objectType: "User"))
        }
        try await self.absorb([result], into: &states, outcome: &outcome)
        return result.log ?? ProvisioningLogEntry(
            jobId: self.job.id, servicePrincipalId: self.job.servicePrincipalId, sourceId: objectId, sourceDisplayName: nil, objectType: objectType,
            action: "Skip", status: "skipped", targetId: result.state.targetId, modifiedProperties: [], detail: "Already up to date in the app.")
    }

    /// Saves each result's state, appends its log line, and counts it.
    private func absorb(_ results: [Result], into states: inout [String: ProvisionedObject], outcome: inout Outcome) async throws {
        var log: [ProvisioningLogEntry] = []
        var changed: [ProvisionedObject] = []
        for result in results {
            if result.state.targetId == nil && !result.state.active {
                try await self.repositories.provisionedObjects.delete(jobId: self.job.id, sourceId: result.state.sourceId)
                states[result.state.sourceId] = nil
            } else {
                if result.changed { changed.append(result.state) }
                states[result.state.sourceId] = result.state
            }
            if let entry = result.log { log.append(entry) }
            if result.exported || result.error != nil { outcome.attempted += 1 }
            if result.exported { outcome.exported += 1 }
            if result.error != nil { outcome.escrowed += 1 }
        }
        try await self.repositories.provisionedObjects.save(changed)
        try await self.repositories.provisioningLog.append(log)
    }

    /// Runs `work` over `items` with at most `concurrency` in flight, handing results over in batches as they complete.
    private func bounded<Item: Sendable>(
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
                if let item = iterator.next() { group.addTask { await work(item) } }
            }
            if !batch.isEmpty { try await onBatch(batch) }
        }
    }

    // MARK: users

    private func provisionUser(_ user: User, mapping: ObjectMapping, state: ProvisionedObject) async -> Result {
        var state = state
        let source = AttributeMapper.sourceValues(of: user)
        let values = AttributeMapper.targetValues(mapping, source: source, isNew: state.targetId == nil)
        let digest = AttributeMapper.digest(values)
        if state.targetId != nil, state.exportedHash == digest, state.errorCount == 0, state.active {
            return Result(state: state)
        }
        var action = "Update"
        do {
            if state.targetId == nil {
                if let (attribute, value) = AttributeMapper.matchingAttribute(mapping, source: source),
                    let existing = try await self.retrying({ try await self.scim.search(self.context.endpoint, resourceType: Self.usersPath, filter: "\(attribute) eq \"\(Self.escape(value))\"") }).first,
                    let id = existing["id"]?.stringValue
                {
                    state.targetId = id
                    action = "Match"
                    try await self.update(Self.usersPath, id: id, schema: mapping.targetObjectName, values: values)
                } else {
                    action = "Create"
                    let created = try await self.retrying({
                        try await self.scim.create(self.context.endpoint, resourceType: Self.usersPath,
                                                   body: AttributeMapper.resource(schema: mapping.targetObjectName, values: values))
                    })
                    state.targetId = created["id"]?.stringValue
                }
            } else if let id = state.targetId {
                do {
                    try await self.update(Self.usersPath, id: id, schema: mapping.targetObjectName, values: values)
                } catch SCIMError.status(404, _, _) {
                    // Deleted in the app: create it again.
                    action = "Create"
                    let created = try await self.retrying({
                        try await self.scim.create(self.context.endpoint, resourceType: Self.usersPath,
                                                   body: AttributeMapper.resource(schema: mapping.targetObjectName, values: values))
                    })
                    state.targetId = created["id"]?.stringValue
                }
            }
            state.exportedHash = digest
            state.active = true
            state.lastError = nil
            state.errorCount = 0
            return Result(state: state, log: self.log(user.id, user.displayName, "User", action, state, values.map(\.0), nil), exported: true, changed: true)
        } catch {
            let error = error as? SCIMError ?? .unavailable("\(error)")
            state.lastError = error.message
            state.errorCount += 1
            return Result(state: state, log: self.log(user.id, user.displayName, "User", action, state, values.map(\.0), error.message), error: error, changed: true)
        }
    }

    /// A user who left scope: disabled (`active: false`), deleted when `HardDeletesEnabled`, left alone with `SkipOutOfScopeDeletions`.
    private func deprovisionUser(_ state: ProvisionedObject) async -> Result {
        var state = state
        guard let id = state.targetId else { return Result(state: state) }
        if self.context.secrets[.skipOutOfScopeDeletions]?.lowercased() == "true" { return Result(state: state) }
        let hardDelete = self.context.secrets[.hardDeletesEnabled]?.lowercased() == "true"
        do {
            if hardDelete {
                do { try await self.retrying({ try await self.scim.delete(self.context.endpoint, resourceType: Self.usersPath, id: id) }) } catch SCIMError.status(404, _, _) {}
                state.targetId = nil
                state.active = false
            } else {
                try await self.retrying({
                    try await self.scim.patch(self.context.endpoint, resourceType: Self.usersPath, id: id,
                                              operations: [.object([("op", .string("replace")), ("path", .string("active")), ("value", .bool(false))])])
                })
                state.active = false
                state.exportedHash = nil
            }
            return Result(state: state, log: self.log(state.sourceId, nil, "User", hardDelete ? "Delete" : "Disable", state, ["active"], nil),
                          exported: true, changed: true)
        } catch {
            let error = error as? SCIMError ?? .unavailable("\(error)")
            state.lastError = error.message
            state.errorCount += 1
            return Result(state: state, log: self.log(state.sourceId, nil, "User", hardDelete ? "Delete" : "Disable", state, [], error.message),
                          error: error, changed: true)
        }
    }

    // MARK: groups

    private func provisionGroup(_ group: Group, mapping: ObjectMapping, states: [String: ProvisionedObject]) async -> Result {
        var state = states[group.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: group.id, objectType: "Group")
        let source = AttributeMapper.sourceValues(of: group)
        let values = AttributeMapper.targetValues(mapping, source: source, isNew: state.targetId == nil)
        let members = (self.scope.groupMembers[group.id] ?? []).compactMap { states[$0].flatMap { $0.active ? $0.targetId : nil } }.sorted()
        let digest = AttributeMapper.digest(values, members: members)
        if state.targetId != nil, state.exportedHash == digest, state.errorCount == 0 { return Result(state: state) }
        var action = "Update"
        do {
            if state.targetId == nil {
                let memberValues: JSONValue = .array(members.map { .object([("value", .string($0))]) })
                if let (attribute, value) = AttributeMapper.matchingAttribute(mapping, source: source),
                    let existing = try await self.retrying({ try await self.scim.search(self.context.endpoint, resourceType: Self.groupsPath, filter: "\(attribute) eq \"\(Self.escape(value))\"") }).first,
                    let id = existing["id"]?.stringValue
                {
                    action = "Match"
                    state.targetId = id
                    try await self.update(Self.groupsPath, id: id, schema: mapping.targetObjectName, values: values)
                    try await self.updateMembers(id: id, from: [], to: members)
                } else {
                    action = "Create"
                    let created = try await self.retrying({
                        try await self.scim.create(self.context.endpoint, resourceType: Self.groupsPath,
                                                   body: AttributeMapper.resource(schema: mapping.targetObjectName, values: values, extra: [("members", memberValues)]))
                    })
                    state.targetId = created["id"]?.stringValue
                }
            } else if let id = state.targetId {
                try await self.update(Self.groupsPath, id: id, schema: mapping.targetObjectName, values: values)
                try await self.updateMembers(id: id, from: state.exportedMembers, to: members)
            }
            state.exportedHash = digest
            state.exportedMembers = members
            state.lastError = nil
            state.errorCount = 0
            return Result(state: state, log: self.log(group.id, group.displayName, "Group", action, state, values.map(\.0) + ["members"], nil),
                          exported: true, changed: true)
        } catch {
            let error = error as? SCIMError ?? .unavailable("\(error)")
            state.lastError = error.message
            state.errorCount += 1
            return Result(state: state, log: self.log(group.id, group.displayName, "Group", action, state, [], error.message), error: error, changed: true)
        }
    }

    private func deprovisionGroup(_ state: ProvisionedObject) async -> Result {
        var state = state
        guard let id = state.targetId, self.context.secrets[.skipOutOfScopeDeletions]?.lowercased() != "true" else { return Result(state: state) }
        do {
            do { try await self.retrying({ try await self.scim.delete(self.context.endpoint, resourceType: Self.groupsPath, id: id) }) } catch SCIMError.status(404, _, _) {}
            state.targetId = nil
            state.active = false
            return Result(state: state, log: self.log(state.sourceId, nil, "Group", "Delete", state, [], nil), exported: true, changed: true)
        } catch {
            let error = error as? SCIMError ?? .unavailable("\(error)")
            state.lastError = error.message
            state.errorCount += 1
            return Result(state: state, log: self.log(state.sourceId, nil, "Group", "Delete", state, [], error.message), error: error, changed: true)
        }
    }

    private func updateMembers(id: String, from old: [String], to new: [String]) async throws {
        let added = Set(new).subtracting(old).sorted()
        let removed = Set(old).subtracting(new).sorted()
        var operations: [JSONValue] = []
        if !added.isEmpty {
            operations.append(.object([("op", .string("add")), ("path", .string("members")), ("value", .array(added.map { .object([("value", .string($0))]) }))]))
        }
        for member in removed {
            operations.append(.object([("op", .string("remove")), ("path", .string("members[value eq \"\(member)\"]"))]))
        }
        guard !operations.isEmpty else { return }
        let patch = operations
        try await self.retrying({ try await self.scim.patch(self.context.endpoint, resourceType: Self.groupsPath, id: id, operations: patch) })
    }

    // MARK: requests

    /// PATCH with `replace` operations; falls back to PUT when the app does not take the PatchOp.
    private func update(_ resourceType: String, id: String, schema: String, values: [(String, JSONValue)]) async throws {
        guard !values.isEmpty else { return }
        do {
            try await self.retrying({
                try await self.scim.patch(self.context.endpoint, resourceType: resourceType, id: id, operations: AttributeMapper.patchOperations(values))
            })
        } catch SCIMError.status(let code, _, _) where code == 400 || code == 405 || code == 501 {
            var body = AttributeMapper.resource(schema: schema, values: values)
            if case .object(var members) = body {
                members.insert(("id", .string(id)), at: 1)
                body = .object(members)
            }
            let replacement = body
            try await self.retrying({ try await self.scim.replace(self.context.endpoint, resourceType: resourceType, id: id, body: replacement) })
        }
    }

    /// Retries throttled and transient failures with backoff, honouring `Retry-After` (capped at 30 s).
    private func retrying<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch let error as SCIMError {
                attempt += 1
                guard error.isTransient, attempt <= self.engine.settings.retries else { throw error }
                var delay = 0.2 * pow(2, Double(attempt - 1))
                if case .status(_, _, let retryAfter?) = error { delay = min(max(retryAfter, 0), 30) }
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    private func log(_ sourceId: String, _ name: String?, _ type: String, _ action: String, _ state: ProvisionedObject, _ properties: [String], _ failure: String?)
        -> ProvisioningLogEntry
    {
        ProvisioningLogEntry(
            jobId: self.job.id, servicePrincipalId: self.job.servicePrincipalId, sourceId: sourceId, sourceDisplayName: name, objectType: type,
            action: action, status: failure == nil ? "success" : "failure", targetId: state.targetId, modifiedProperties: properties, detail: failure)
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
