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
            // Where the page's managers are, read at once (a manager created during the page is found in the last pass).
            let managers = AttributeMapper.referencePaths(mapping).isEmpty
                ? [:] : try await self.referenceTargets(of: Set(users.compactMap { $0.managerId?.lowercased() }))
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

    /// Creates, matches or updates one user; `hint` says what a batched query already found out about a new one.
    /// References (`manager`) go in their own PATCH once the referenced user exists in the app; until then the result
    /// says `pendingReference` and the reference is left as it was.
    func provisionUser(
        _ user: User, mapping: ObjectMapping, state: ProvisionedObject, hint: MatchHint? = nil, referenced: [String: ReferenceTarget] = [:]
    ) async -> Result {
        var state = state
        let source = AttributeMapper.sourceValues(of: user)
        if let excluded = await self.applyScopingFilters(mapping, source: source, state: state, kind: "user", leave: { await self.deprovisionUser($0) }) {
            return excluded
        }
        let referencePaths = AttributeMapper.referencePaths(mapping)
        let mapped: [(String, JSONValue)]
        do {
            mapped = try AttributeMapper.targetValues(mapping, source: source, isNew: state.targetId == nil)
        } catch {
            return self.escrow(state, id: user.id, name: user.displayName, type: "User", action: state.targetId == nil ? "Create" : "Update", error: .unmappable(error))
        }
        let (values, pending) = await self.resolvingReferences(mapped, paths: referencePaths, known: referenced)
        // A reference waiting for its user counts in the digest, so that clearing it later is a change.
        let digest = AttributeMapper.changeDigest(mapping, values + pending.sorted().map { ($0, .string("\u{0}waiting")) })
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
        let whole = { (current: JSONValue, removed: [String]) in
            Self.wholeUser(current, schema: mapping.targetObjectName, values: values, references: referencePaths, removed: removed)
        }
        do {
            if state.targetId == nil {
                let match: String?
                switch hint {
                case .found(let id): match = id
                case .absent: match = nil
                case nil:
                    if let (attribute, value) = try AttributeMapper.matchingAttribute(mapping, source: source) {
                        match = try await self.match(Self.usersPath, attribute, value)
                    } else {
                        match = nil
                    }
                }
                var replaced = false
                if let id = match {
                    state.targetId = id
                    action = "Match"
                    replaced = try await self.update(Self.usersPath, id: id, values: plain(values)) { whole($0, []) }
                } else {
                    action = "Create"
                    state.targetId = try await self.create(Self.usersPath, schema: mapping.targetObjectName, values: plain(values))
                }
                if let id = state.targetId, !replaced {
                    try await self.exportReferences(Self.usersPath, id: id, set: references(values), removed: []) { whole($0, []) }
                }
            } else if let id = state.targetId {
                var replaced = false
                do {
                    let cleared = removed
                    replaced = try await self.update(Self.usersPath, id: id, values: plain(sent)) { whole($0, cleared) }
                } catch SCIMError.status(404, _, _) {
                    // Deleted in the app: create it again (a 404 for a reference below is the reference's, not this).
                    action = "Create"
                    sent = values
                    removed = []
                    state.targetId = try await self.create(Self.usersPath, schema: mapping.targetObjectName, values: plain(values))
                }
                if let id = state.targetId, !replaced {
                    let cleared = removed
                    try await self.exportReferences(Self.usersPath, id: id, set: references(sent), removed: cleared) { whole($0, cleared) }
                }
            }
            let previous = state.exportedValues
            state.exportedHash = digest
            state.exportedValues = Self.loggedValues(values).merging(pending.compactMap { path in previous?[path].map { (path, $0) } }) { $1 }
            state.active = true
            state.deletedInDirectory = nil
            state.lastError = nil
            state.errorCount = 0
            // Nothing sent (only a reference started waiting): the state changes, the app and the log do not.
            guard action != "Update" || !sent.isEmpty || !removed.isEmpty else {
                return Result(state: state, changed: true, pendingReference: !pending.isEmpty)
            }
            let entry = self.log(user.id, user.displayName, "User", action, state, sent.map(\.0) + removed, nil, values: sent, previous: previous)
            return Result(state: state, log: entry, exported: true, changed: true, pendingReference: !pending.isEmpty)
        } catch {
            let error = SCIMError.of(error)
            state.lastError = error.message
            state.errorCount += 1
            let entry = self.log(user.id, user.displayName, "User", action, state, sent.map(\.0) + removed, error.message, values: sent,
                                 previous: state.exportedValues)
            return Result(state: state, log: entry, error: error, changed: true)
        }
    }
}
