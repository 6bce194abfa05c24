import Foundation

extension CycleRun {
    /// Provisions every in-scope user, a page at a time. Returns the failure that makes the cycle a complete failure
    /// when the app took nothing from a full batch (or from everything there was to send).
    func provisionUsers(_ mapping: ObjectMapping, outcome: inout Outcome, progress: inout CycleProgress) async throws -> SCIMError? {
        var after: String?
        var firstFailure: SCIMError?
        var pendingReferences: [String] = []
        while true {
            let users = try await self.repositories.provisioningScope.users(in: self.scope, after: after, limit: Self.pageSize)
            let known = try await self.states(of: users.map(\.id))
            let hints = await self.matchHints(for: users, states: known, mapping: mapping)
            // The page's managers' ids in the app, read at once (a manager created during the page is found later).
            let managers = AttributeMapper.referencePaths(mapping).isEmpty
                ? [:] : try await self.states(of: Array(Set(users.compactMap { $0.managerId?.lowercased() }))).compactMapValues(\.targetId)
            try await self.bounded(users) { user in
                await self.provisionUser(
                    user, mapping: mapping, state: known[user.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: user.id, objectType: "User"),
                    hint: hints[user.id], referenced: managers)
            } onBatch: { batch in
                try await self.absorb(batch, outcome: &outcome)
                firstFailure = firstFailure ?? batch.compactMap(\.error).first(where: \.isCompleteFailure)
                pendingReferences += batch.filter(\.pendingReference).map(\.state.sourceId)
                await progress.advance(by: batch.count)
            }
            let finished = users.count < Self.pageSize
            if outcome.exported == 0, outcome.attempted >= Self.batchSize || (finished && outcome.attempted > 0), let firstFailure {
                return firstFailure
            }
            guard !finished, let last = users.last else {
                try await self.resolvePendingReferences(of: pendingReferences, mapping: mapping, outcome: &outcome)
                return nil
            }
            after = last.id
        }
    }

    /// Accidental-deletion prevention: counts the users who left scope, and stops the cycle before any is disabled or
    /// deleted when they are more than the job's threshold (unless a `ForceDeletes` restart allowed it).
    func checkDeletionThreshold() async throws {
        guard let threshold = self.job.deletionThreshold, self.job.forceDeletes != true,
            self.context.secrets[.skipOutOfScopeDeletions]?.lowercased() != "true"
        else { return }
        var leaving = 0
        var after: String?
        while true {
            let page = try await self.repositories.provisionedObjects.sourceIdsInApp(jobId: self.job.id, objectType: "User", after: after, limit: Self.pageSize)
            guard let last = page.last else { return }
            leaving += page.count - (try await self.repositories.provisioningScope.inScope(userIds: page, of: self.scope)).count
            if leaving > threshold { throw ProvisioningStop.tooManyDeletes(atLeast: leaving, threshold: threshold) }
            after = last
        }
    }

    /// Disables (or deletes) the users the app has that are no longer in scope, a page at a time; then deletes the
    /// disabled ones whose directory user was purged (Entra's IsSoftDeleted: disabled while soft-deleted, deleted when
    /// hard-deleted).
    func deprovisionUsersOutOfScope(outcome: inout Outcome) async throws {
        try await self.checkDeletionThreshold()
        var after: String?
        while true {
            let page = try await self.repositories.provisionedObjects.sourceIdsInApp(jobId: self.job.id, objectType: "User", after: after, limit: Self.pageSize)
            guard let last = page.last else { break }
            let kept = try await self.repositories.provisioningScope.inScope(userIds: page, of: self.scope)
            let leaving = try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: page.filter { !kept.contains($0) })
            let purged = try await self.purged(leaving.map(\.sourceId))
            try await self.bounded(leaving) { await self.deprovisionUser($0, purged: purged.contains($0.sourceId)) } onBatch: { batch in
                try await self.absorb(batch, outcome: &outcome)
            }
            after = last
        }
        after = nil
        while true {
            let page = try await self.repositories.provisionedObjects.sourceIdsDisabled(jobId: self.job.id, objectType: "User", after: after, limit: Self.pageSize)
            guard let last = page.last else { return }
            let purged = try await self.purged(page)
            let deleting = try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: page.filter(purged.contains))
            try await self.bounded(deleting.filter { $0.targetId != nil }) { await self.deprovisionUser($0, purged: true) } onBatch: { batch in
                try await self.absorb(batch, outcome: &outcome)
            }
            after = last
        }
    }

    /// The users of `ids` that are gone from the directory for good: neither there nor among its deleted items.
    func purged(_ ids: [String]) async throws -> Set<String> {
        var gone: Set<String> = []
        for id in ids where try await self.repositories.users.get(id: id) == nil {
            if try await self.repositories.deletedItems.get(id: id) == nil { gone.insert(id) }
        }
        return gone
    }

    /// Creates, matches or updates one user; `hint` says what a batched query already found out about a new one.
    /// References (`manager`) go in their own PATCH once the referenced user exists in the app; until then the result
    /// says `pendingReference` and the reference is left as it was.
    func provisionUser(
        _ user: User, mapping: ObjectMapping, state: ProvisionedObject, hint: MatchHint? = nil, referenced: [String: String] = [:]
    ) async -> Result {
        var state = state
        let source = AttributeMapper.sourceValues(of: user)
        if let excluded = await self.applyScopingFilters(mapping, source: source, state: state, kind: "user", leave: { await self.deprovisionUser($0) }) {
            return excluded
        }
        let referencePaths = AttributeMapper.referencePaths(mapping)
        let (values, pending) = await self.resolvingReferences(
            AttributeMapper.targetValues(mapping, source: source, isNew: state.targetId == nil), paths: referencePaths, known: referenced)
        let digest = AttributeMapper.changeDigest(mapping, values)
        if state.targetId != nil, state.exportedHash == digest, state.errorCount == 0, state.active {
            return Result(state: state, pendingReference: !pending.isEmpty)
        }
        var action = "Update"
        // A linked object gets only what changed since the last export; what is sent is what the log lists.
        var sent = state.targetId == nil ? values : Self.changed(values, since: state.exportedValues)
        var removed = state.targetId == nil ? [] : referencePaths.filter { path in
            state.exportedValues?[path] != nil && !pending.contains(path) && !values.contains { $0.0 == path }
        }.sorted()
        let plain = { (values: [(String, JSONValue)]) in values.filter { !referencePaths.contains($0.0) } }
        let references = { (values: [(String, JSONValue)]) in values.filter { referencePaths.contains($0.0) } }
        do {
            if state.targetId == nil {
                let match: String?
                switch hint {
                case .found(let id): match = id
                case .absent: match = nil
                case nil:
                    if let (attribute, value) = AttributeMapper.matchingAttribute(mapping, source: source) {
                        match = try await self.match(Self.usersPath, attribute, value)
                    } else {
                        match = nil
                    }
                }
                if let id = match {
                    state.targetId = id
                    action = "Match"
                    try await self.update(Self.usersPath, id: id, schema: mapping.targetObjectName, values: plain(values))
                } else {
                    action = "Create"
                    state.targetId = try await self.create(Self.usersPath, schema: mapping.targetObjectName, values: plain(values))
                }
                if let id = state.targetId { try await self.exportReferences(Self.usersPath, id: id, set: references(values), removed: []) }
            } else if let id = state.targetId {
                do {
                    try await self.update(Self.usersPath, id: id, schema: mapping.targetObjectName, values: plain(sent))
                    try await self.exportReferences(Self.usersPath, id: id, set: references(sent), removed: removed)
                } catch SCIMError.status(404, _, _) {
                    // Deleted in the app: create it again.
                    action = "Create"
                    sent = values
                    removed = []
                    let created = try await self.create(Self.usersPath, schema: mapping.targetObjectName, values: plain(values))
                    state.targetId = created
                    try await self.exportReferences(Self.usersPath, id: created, set: references(values), removed: [])
                }
            }
            let previous = state.exportedValues
            state.exportedHash = digest
            state.exportedValues = Self.loggedValues(values).merging(pending.compactMap { path in previous?[path].map { (path, $0) } }) { $1 }
            state.active = true
            state.lastError = nil
            state.errorCount = 0
            let entry = self.log(user.id, user.displayName, "User", action, state, sent.map(\.0) + removed, nil, values: sent, previous: previous)
            return Result(state: state, log: entry, exported: true, changed: true, pendingReference: !pending.isEmpty)
        } catch {
            let error = error as? SCIMError ?? .unavailable("\(error)")
            state.lastError = error.message
            state.errorCount += 1
            let entry = self.log(user.id, user.displayName, "User", action, state, sent.map(\.0) + removed, error.message, values: sent,
                                 previous: state.exportedValues)
            return Result(state: state, log: entry, error: error, changed: true)
        }
    }

    /// `values` with each reference (a directory id) replaced by the referenced user's id in the app (from `known`, else
    /// read), and the reference paths whose user is not in the app yet (left out of `values`).
    func resolvingReferences(
        _ values: [(String, JSONValue)], paths: Set<String>, known: [String: String] = [:]
    ) async -> (values: [(String, JSONValue)], pending: Set<String>) {
        guard !paths.isEmpty else { return (values, []) }
        var resolved: [(String, JSONValue)] = []
        var pending: Set<String> = []
        for (path, value) in values {
            guard paths.contains(path) else {
                resolved.append((path, value))
                continue
            }
            guard let sourceId = value.stringValue?.lowercased() else {
                pending.insert(path)
                continue
            }
            if let targetId = known[sourceId], !targetId.isEmpty {
                resolved.append((path, .string(targetId)))
            } else if let targetId = try? await self.states(of: [sourceId])[sourceId]?.targetId {
                resolved.append((path, .string(targetId)))
            } else {
                pending.insert(path)
            }
        }
        return (resolved, pending)
    }

    /// Sets and removes references in their own PATCH (after the object's other attributes), as Entra does.
    func exportReferences(_ resourceType: String, id: String, set: [(String, JSONValue)], removed: [String]) async throws {
        let setting = set.compactMap { path, value in value.stringValue.map { (path: path, id: $0) } }
        let operations = self.context.endpoint.dialect.referenceOperations(set: setting, removed: removed)
        guard !operations.isEmpty else { return }
        try await self.retrying({ try await self.scim.patch(self.context.endpoint, resourceType: resourceType, id: id, operations: operations) })
    }

    /// Entra's `referenceResolution` step: the users whose manager was not in the app when they were exported get it
    /// now that every user of the cycle has been, in one more pass.
    func resolvePendingReferences(of userIds: [String], mapping: ObjectMapping, outcome: inout Outcome) async throws {
        for start in stride(from: 0, to: userIds.count, by: Self.pageSize) {
            let chunk = Array(userIds[start..<min(start + Self.pageSize, userIds.count)])
            let known = try await self.states(of: chunk)
            var users: [User] = []
            for id in chunk { if let user = try await self.repositories.users.get(id: id) { users.append(user) } }
            try await self.bounded(users) { user in
                await self.provisionUser(
                    user, mapping: mapping, state: known[user.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: user.id, objectType: "User"))
            } onBatch: { batch in
                try await self.absorb(batch.filter { $0.log != nil || $0.changed }, outcome: &outcome)
            }
        }
    }

    /// A user who left scope: disabled (`active: false`); deleted when the directory user was purged or with
    /// `HardDeletesEnabled`; left alone with `SkipOutOfScopeDeletions`.
    func deprovisionUser(_ state: ProvisionedObject, purged: Bool = false) async -> Result {
        var state = state
        guard let id = state.targetId else { return Result(state: state) }
        if self.context.secrets[.skipOutOfScopeDeletions]?.lowercased() == "true" { return Result(state: state) }
        let hardDelete = purged || self.context.secrets[.hardDeletesEnabled]?.lowercased() == "true"
        do {
            if hardDelete {
                do { try await self.retrying({ try await self.scim.delete(self.context.endpoint, resourceType: Self.usersPath, id: id) }) } catch SCIMError.status(404, _, _) {}
                state.targetId = nil
                state.active = false
            } else {
                try await self.retrying({
                    try await self.scim.patch(self.context.endpoint, resourceType: Self.usersPath, id: id,
                                              operations: self.context.endpoint.dialect.disableOperations())
                })
                state.active = false
                state.exportedHash = nil
                state.exportedValues?["active"] = "False"
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
}
