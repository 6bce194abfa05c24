import Foundation

extension CycleRun {
    /// Provisions the assigned groups with their members (after the users, so members have app ids).
    func provisionGroups(_ groups: [Group], mapping: ObjectMapping, outcome: inout Outcome, progress: inout CycleProgress) async throws {
        let shared = await Self.sharedMatchingValues(groups, mapping: mapping)
        for start in stride(from: 0, to: groups.count, by: Self.batchSize) {
            let batch = groups[start..<min(start + Self.batchSize, groups.count)]
            let known = try await self.states(of: batch.map(\.id))
            var results: [Result] = []
            for group in batch {
                let state = known[group.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: group.id, objectType: "Group")
                results.append(await self.provisionGroup(
                    group, mapping: mapping, state: state, members: try await self.memberTargetIds(of: group.id), sharedName: shared[group.id]))
            }
            try await self.absorb(results, outcome: &outcome)
            await progress.advance(by: batch.count)
        }
    }

    /// Groups whose matching value (`displayName`) another group in scope has too, case-insensitively: the group id →
    /// (attribute, value, how many share it). The app matches groups by it, so such a group cannot be told apart. A
    /// group the scoping filters keep out is never sent, so it shares nothing.
    static func sharedMatchingValues(_ groups: [Group], mapping: ObjectMapping) async -> [String: SharedMatchingValue] {
        var byValue: [String: [(id: String, attribute: String, value: String)]] = [:]
        for group in groups {
            let source = AttributeMapper.sourceValues(of: group)
            // A group whose matching expression fails is escrowed on its own; it shares nothing.
            guard let (attribute, value) = try? AttributeMapper.matchingAttribute(mapping, source: source) else { continue }
            // Only a group the filters keep out is left out: one they could not decide on (a slow pattern) may still go.
            guard await Self.admits(mapping, source) != false else { continue }
            byValue[value.lowercased(), default: []].append((group.id, attribute, value))
        }
        var shared: [String: SharedMatchingValue] = [:]
        for entries in byValue.values where entries.count > 1 {
            for entry in entries { shared[entry.id] = SharedMatchingValue(attribute: entry.attribute, value: entry.value, count: entries.count) }
        }
        return shared
    }

    /// A matching value several groups in scope have.
    struct SharedMatchingValue {
        var attribute: String
        var value: String
        var count: Int
    }

    /// Deletes the groups the app has that are no longer assigned.
    func deprovisionGroupsOutOfScope(assigned: Set<String>, outcome: inout Outcome) async throws {
        var after: String?
        while true {
            let page = try await self.repositories.provisionedObjects.sourceIdsInApp(jobId: self.job.id, objectType: "Group", after: after, limit: Self.pageSize)
            guard let last = page.last else { return }
            var results: [Result] = []
            for state in try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: page.filter { !assigned.contains($0) }) {
                results.append(await self.deprovisionGroup(state))
            }
            try await self.absorb(results, outcome: &outcome)
            after = last
        }
    }

    /// The app ids of a group's user members that exist (active) in the app, sorted.
    func memberTargetIds(of groupId: String) async throws -> [String] {
        let members = try await self.repositories.provisioningScope.userMembers(of: groupId)
        return try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: members)
            .compactMap { $0.isInApp ? $0.targetId : nil }.sorted()
    }

    /// Creates, matches or updates one group, with `members` (the app ids of its members) as its member list. A group
    /// not yet linked whose matching value another group in scope shares (`sharedName`) is neither matched nor created:
    /// it would take over the other's group in the app.
    func provisionGroup(
        _ group: Group, mapping: ObjectMapping, state: ProvisionedObject, members: [String], sharedName: SharedMatchingValue? = nil
    ) async -> Result {
        var state = state
        let source = AttributeMapper.sourceValues(of: group)
        if let excluded = await self.applyScopingFilters(mapping, source: source, state: state, kind: "group", leave: self.deprovisionGroup) {
            return excluded
        }
        if state.targetId == nil, let shared = sharedName {
            let error = SCIMError.duplicateSources(count: shared.count, attribute: shared.attribute, value: shared.value)
            return self.escrow(state, id: group.id, name: group.displayName, type: "Group", action: "Create", error: error)
        }
        let values: [(String, JSONValue)]
        do {
            values = try AttributeMapper.targetValues(mapping, source: source, isNew: state.targetId == nil)
        } catch {
            return self.escrow(state, id: group.id, name: group.displayName, type: "Group", action: state.targetId == nil ? "Create" : "Update", error: .unmappable(error))
        }
        let digest = AttributeMapper.changeDigest(mapping, values, members: members)
        if state.targetId != nil, state.exportedHash == digest, state.errorCount == 0 { return Result(state: state) }
        var action = "Update"
        let memberValues: JSONValue = .array(members.map { .object([("value", .string($0))]) })
        // A PUT in place of the member PATCHes: the app's members, less those removed since the last export, plus these.
        let whole = { (current: JSONValue, exported: [String]) -> JSONValue in
            let removed = Set(exported).subtracting(members)
            let listed = current.objectValue?.first { $0.0.caseInsensitiveCompare("members") == .orderedSame }?.1.arrayValue ?? []
            let had = listed.compactMap { $0["value"]?.stringValue }.filter { !removed.contains($0) }
            let known = Set(had)
            let all = had + members.filter { !known.contains($0) }
            return SCIMResourceOverlay.overlay(
                current, with: AttributeMapper.resource(
                    schema: mapping.targetObjectName, values: values, extra: [("members", .array(all.map { .object([("value", .string($0))]) }))]))
        }
        do {
            if state.targetId == nil {
                if let (attribute, value) = try AttributeMapper.matchingAttribute(mapping, source: source),
                    let id = try await self.match(Self.groupsPath, attribute, value)
                {
                    action = "Match"
                    state.targetId = id
                    if try await !self.update(Self.groupsPath, id: id, values: values, whole: { whole($0, []) }) {
                        try await self.updateMembers(id: id, from: [], to: members) { whole($0, []) }
                    }
                } else if self.context.endpoint.dialect.createsGroupsEmpty {
                    // Entra creates a group empty, then adds its members.
                    action = "Create"
                    let id = try await self.create(Self.groupsPath, schema: mapping.targetObjectName, values: values)
                    state.targetId = id
                    try await self.updateMembers(id: id, from: [], to: members) { whole($0, []) }
                } else {
                    action = "Create"
                    state.targetId = try await self.create(
                        Self.groupsPath, schema: mapping.targetObjectName, values: values, extra: [("members", memberValues)])
                }
            } else if let id = state.targetId {
                let exported = state.exportedMembers
                if try await !self.update(Self.groupsPath, id: id, values: Self.changed(values, since: state.exportedValues), whole: { whole($0, exported) }) {
                    try await self.updateMembers(id: id, from: exported, to: members) { whole($0, exported) }
                }
            }
            let previous = state.exportedValues
            state.exportedHash = digest
            state.exportedMembers = members
            state.exportedValues = Self.loggedValues(values)
            state.lastError = nil
            state.errorCount = 0
            let entry = self.log(group.id, group.displayName, "Group", action, state, values.map(\.0) + ["members"], nil, values: values, previous: previous)
            return Result(state: state, log: entry, exported: true, changed: true)
        } catch {
            let error = SCIMError.of(error)
            state.lastError = error.message
            state.errorCount += 1
            return Result(state: state, log: self.log(group.id, group.displayName, "Group", action, state, [], error.message), error: error, changed: true)
        }
    }

    func deprovisionGroup(_ state: ProvisionedObject) async -> Result {
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

    /// Adds and removes members in the job's dialect (`whole`, the group with its new members, replaces it in an app
    /// that refuses PATCH; see `modify`).
    func updateMembers(id: String, from old: [String], to new: [String], whole: (JSONValue) -> JSONValue) async throws {
        let added = Set(new).subtracting(old).sorted()
        let removed = Set(old).subtracting(new).sorted()
        try await self.modify(Self.groupsPath, id: id, operations: self.context.endpoint.dialect.memberOperations(added: added, removed: removed), whole: whole)
    }
}
