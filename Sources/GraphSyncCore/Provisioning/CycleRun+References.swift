import Foundation

/// Where a referenced user (a manager) is, for the reference to it.
enum ReferenceTarget: Sendable, Equatable {
    /// In the app, with this id there.
    case inApp(String)
    /// In the directory but not (yet) in the app: the reference waits.
    case waiting
    /// No longer in the directory (deleted): the reference is cleared.
    case gone
}

extension CycleRun {
    /// Where the users `sourceIds` are: one query for their states in the app, and a directory read for each (callers
    /// pass a page's distinct managers, who are few).
    func referenceTargets(of sourceIds: Set<String>) async throws -> [String: ReferenceTarget] {
        let targets = try await self.states(of: Array(sourceIds)).compactMapValues(\.targetId)
        var found: [String: ReferenceTarget] = [:]
        for id in sourceIds {
            if try await self.repositories.users.get(id: id) == nil {
                found[id] = .gone
            } else if let target = targets[id], !target.isEmpty {
                found[id] = .inApp(target)
            } else {
                found[id] = .waiting
            }
        }
        return found
    }

    /// `values` with each reference (a directory id) replaced by the referenced user's id in the app (`known` says
    /// where the user is, else it is read), and the reference paths whose user is not in the app yet (left out of
    /// `values`, as is a reference to a user no longer in the directory, which is so cleared).
    func resolvingReferences(
        _ values: [(String, JSONValue)], paths: Set<String>, known: [String: ReferenceTarget] = [:]
    ) async -> (values: [(String, JSONValue)], pending: Set<String>) {
        guard !paths.isEmpty else { return (values, []) }
        var resolved: [(String, JSONValue)] = []
        var pending: Set<String> = []
        for (path, value) in values {
            guard paths.contains(path) else {
                resolved.append((path, value))
                continue
            }
            guard let sourceId = value.stringValue?.lowercased() else { continue }
            let target = if let target = known[sourceId] { target } else { (try? await self.referenceTargets(of: [sourceId]))?[sourceId] }
            switch target {
            case .inApp(let id): resolved.append((path, .string(id)))
            case .waiting, nil: pending.insert(path)
            case .gone: break
            }
        }
        return (resolved, pending)
    }

    /// Sets and removes references in their own PATCH (after the object's other attributes), as Entra does.
    func exportReferences(
        _ resourceType: String, id: String, set: [(String, JSONValue)], removed: [String], whole: (JSONValue) -> JSONValue
    ) async throws {
        let setting = set.compactMap { path, value in value.stringValue.map { (path: path, id: $0) } }
        try await self.modify(resourceType, id: id, operations: self.context.endpoint.dialect.referenceOperations(set: setting, removed: removed), whole: whole)
    }

    /// A user as a PUT replaces it: `current` (the app's copy) with the mapped `values` laid over it, each reference as
    /// `{"value": id}` (RFC 7643 §4.3) and each `removed` one cleared. A waiting reference is left as the app has it,
    /// as the PATCH this stands in for would have left it.
    static func wholeUser(
        _ current: JSONValue, schema: String, values: [(String, JSONValue)], references paths: Set<String>, removed: [String]
    ) -> JSONValue {
        let mapped = values.map { path, value in
            paths.contains(path) ? (path, value.stringValue.map { JSONValue.object([("value", .string($0))]) } ?? value) : (path, value)
        } + removed.map { ($0, JSONValue.null) }
        return SCIMResourceOverlay.overlay(current, with: AttributeMapper.resource(schema: schema, values: mapped))
    }

    /// Entra's `referenceResolution` step: the users whose manager was not in the app when they were exported get it
    /// now that every user of the cycle has been, in one more pass.
    func resolvePendingReferences(of userIds: [String], mapping: ObjectMapping, outcome: inout Outcome) async throws {
        for start in stride(from: 0, to: userIds.count, by: Self.pageSize) {
            let chunk = Array(userIds[start..<min(start + Self.pageSize, userIds.count)])
            let known = try await self.states(of: chunk)
            var users: [User] = []
            for id in chunk { if let user = try await self.repositories.users.get(id: id) { users.append(user) } }
            let managers = try await self.referenceTargets(of: Set(users.compactMap { $0.managerId?.lowercased() }))
            try await self.bounded(users) { user in
                await self.provisionUser(
                    user, mapping: mapping, state: known[user.id] ?? ProvisionedObject(jobId: self.job.id, sourceId: user.id, objectType: "User"),
                    referenced: managers)
            } onBatch: { batch in
                try await self.absorb(batch.filter { $0.log != nil || $0.changed }, outcome: &outcome)
            }
        }
    }
}
