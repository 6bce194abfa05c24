import GraphSyncCore
import Hummingbird

extension AuthenticatedContext {
    /// Enforces a route's policy where only full permission will do (no owner-only access): throws 403 otherwise.
    func demand(_ policy: AccessPolicy) throws {
        guard policy.evaluate(self.caller) == .allowed else { throw GraphError.forbidden(policy, self.caller) }
    }

    /// Enforces a route's policy for a list or a create and says how far it reaches. The list query or create must
    /// take the result, which is why it cannot be discarded.
    func accessScope(_ policy: AccessPolicy) throws -> AccessScope {
        try policy.scope(for: self.caller)
    }

    /// Enforces a route's policy on one object, consulting its owners only when the caller's access depends on them.
    func authorize(_ policy: AccessPolicy, objectId: String, owners: any OwnerRepository) async throws {
        guard try await policy.permits(self.caller, ownerIds: { try await owners.ownerIds(of: objectId) }) else {
            throw GraphError.forbidden(policy, self.caller)
        }
    }

    /// Whether the policy permits the caller on one object, for a decision inside an operation rather than its gate.
    func permits(_ policy: AccessPolicy, objectId: String, owners: any OwnerRepository) async throws -> Bool {
        try await policy.permits(self.caller, ownerIds: { try await owners.ownerIds(of: objectId) })
    }
}

extension AccessPolicy {
    /// How far the policy reaches for `caller`: everything, or only what the caller owns; a 403 when it does not.
    func scope(for caller: Caller) throws -> AccessScope {
        switch self.evaluate(caller) {
        case .allowed: return .everything
        case .ownedObjectsOnly: return .ownedBy(caller.objectId)
        case .denied: throw GraphError.forbidden(self, caller)
        }
    }
}
