import GraphSyncCore
import Hummingbird

extension AuthenticatedContext {
    /// Enforces a route's policy where there is no single target object (lists, creates).
    /// Returns `.ownedObjectsOnly` when the caller may act only on what it owns (the handler then filters or takes ownership).
    @discardableResult
    func authorize(_ policy: AccessPolicy) throws -> AccessPolicy.Decision {
        let decision = policy.evaluate(self.caller)
        guard decision != .denied else { throw GraphError.forbidden }
        return decision
    }

    /// Enforces a route's policy on one object, consulting its owners only when the caller's access depends on them.
    func authorize(_ policy: AccessPolicy, objectId: String, owners: any OwnerRepository) async throws {
        guard try await policy.permits(self.caller, ownerIds: { try await owners.ownerIds(of: objectId) }) else {
            throw GraphError.forbidden
        }
    }
}
