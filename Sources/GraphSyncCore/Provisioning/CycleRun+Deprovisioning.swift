import Foundation

extension CycleRun {
    /// Where a user who left scope is in the directory, which decides what the app gets (Entra's IsSoftDeleted).
    enum DirectoryPresence {
        /// Still a user (unassigned, filtered out, sign-in blocked): disabled.
        case present
        /// Deleted, and restorable from deleted items: disabled, and deleted in the app once purged.
        case deleted
        /// Gone for good: deleted in the app.
        case purged
    }

    /// Accidental-deletion prevention: counts the users who would be disabled or deleted this cycle (those who left
    /// scope, and those deleted in the directory and now purged), and stops the cycle before any is when they are more
    /// than the job's threshold (unless a `ForceDeletes` restart allowed it).
    func checkDeletionThreshold() async throws {
        guard let threshold = self.job.deletionThreshold, self.job.forceDeletes != true,
            self.context.secrets[.skipOutOfScopeDeletions]?.lowercased() != "true"
        else { return }
        var leaving = 0
        var after: String?
        while true {
            let page = try await self.repositories.provisionedObjects.sourceIdsInApp(jobId: self.job.id, objectType: "User", after: after, limit: Self.pageSize)
            guard let last = page.last else { break }
            leaving += page.count - (try await self.repositories.provisioningScope.inScope(userIds: page, of: self.scope)).count
            if leaving > threshold { throw ProvisioningStop.tooManyDeletes(atLeast: leaving, threshold: threshold) }
            after = last
        }
        after = nil
        while true {
            let page = try await self.repositories.provisionedObjects.disabledPurgedUserIds(jobId: self.job.id, after: after, limit: Self.pageSize)
            guard let last = page.last else { return }
            leaving += try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: page).count { Self.isDeletedInApp($0) }
            if leaving > threshold { throw ProvisioningStop.tooManyDeletes(atLeast: leaving, threshold: threshold) }
            after = last
        }
    }

    /// Disables (or deletes) the users the app has that are no longer in scope, a page at a time; then deletes those
    /// disabled because they were deleted in the directory, once purged there.
    func deprovisionUsersOutOfScope(outcome: inout Outcome) async throws {
        try await self.checkDeletionThreshold()
        var after: String?
        while true {
            let page = try await self.repositories.provisionedObjects.sourceIdsInApp(jobId: self.job.id, objectType: "User", after: after, limit: Self.pageSize)
            guard let last = page.last else { break }
            let kept = try await self.repositories.provisioningScope.inScope(userIds: page, of: self.scope)
            let leaving = try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: page.filter { !kept.contains($0) })
            let presence = try await self.presence(of: leaving.map(\.sourceId))
            try await self.bounded(leaving) { await self.deprovisionUser($0, presence: presence[$0.sourceId] ?? .present) } onBatch: { batch in
                try await self.absorb(batch, outcome: &outcome)
            }
            after = last
        }
        try await self.deletePurgedUsers(outcome: &outcome)
    }

    /// Disabled users whose directory user is now purged: deleted in the app when they were disabled for being deleted;
    /// forgotten otherwise (a user disabled for leaving scope is no longer managed, as in Entra).
    func deletePurgedUsers(outcome: inout Outcome) async throws {
        var after: String?
        while true {
            let page = try await self.repositories.provisionedObjects.disabledPurgedUserIds(jobId: self.job.id, after: after, limit: Self.pageSize)
            guard let last = page.last else { return }
            let objects = try await self.repositories.provisionedObjects.objects(jobId: self.job.id, sourceIds: page)
            for unmanaged in objects where !Self.isDeletedInApp(unmanaged) {
                try await self.repositories.provisionedObjects.delete(jobId: self.job.id, sourceId: unmanaged.sourceId)
            }
            try await self.bounded(objects.filter(Self.isDeletedInApp)) { await self.deprovisionUser($0, presence: .purged) } onBatch: { batch in
                try await self.absorb(batch, outcome: &outcome)
            }
            after = last
        }
    }

    /// A disabled user the app still has, disabled because the directory user was deleted: deleted once purged.
    static func isDeletedInApp(_ object: ProvisionedObject) -> Bool { object.deletedInDirectory == true && object.targetId != nil }

    /// Where each of `ids` is in the directory (two reads for a user no longer there; users leaving scope are few).
    func presence(of ids: [String]) async throws -> [String: DirectoryPresence] {
        var presence: [String: DirectoryPresence] = [:]
        for id in ids {
            if try await self.repositories.users.get(id: id) != nil {
                presence[id] = .present
            } else {
                presence[id] = try await self.repositories.deletedItems.get(id: id) == nil ? .purged : .deleted
            }
        }
        return presence
    }

    /// A user who left scope: disabled (`active: false`); deleted when the directory user is purged or with
    /// `HardDeletesEnabled`; left alone with `SkipOutOfScopeDeletions`.
    func deprovisionUser(_ state: ProvisionedObject, presence: DirectoryPresence = .present) async -> Result {
        var state = state
        guard let id = state.targetId else { return Result(state: state) }
        if self.context.secrets[.skipOutOfScopeDeletions]?.lowercased() == "true" { return Result(state: state) }
        let hardDelete = presence == .purged || self.context.secrets[.hardDeletesEnabled]?.lowercased() == "true"
        do {
            if hardDelete {
                do { try await self.retrying({ try await self.scim.delete(self.context.endpoint, resourceType: Self.usersPath, id: id) }) } catch SCIMError.status(404, _, _) {}
                state.targetId = nil
                state.active = false
            } else {
                try await self.modify(Self.usersPath, id: id, operations: self.context.endpoint.dialect.disableOperations()) { current in
                    SCIMResourceOverlay.overlay(current, with: .object([("active", .bool(false))]))
                }
                state.active = false
                state.deletedInDirectory = presence == .deleted ? true : nil
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
