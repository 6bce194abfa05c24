import Foundation
/// The permissions one Graph operation requires, as its documentation's permission table states them.
///
/// Routes declare a policy; `AccessPolicy.evaluate` decides. Handlers never inspect claims themselves.
public struct AccessPolicy: Sendable {
    /// How `Application.ReadWrite.OwnedBy` applies to the operation.
    public enum OwnedBy: Sendable {
        /// The permission does not grant this operation.
        case notAccepted
        /// Granted when the caller's service principal owns the target object.
        case ownerOfTarget
        /// Granted outright (creating an object the caller will own, or listing only owned objects).
        case creatorOrOwnedOnly
    }

    /// Delegated scopes, any one of which suffices (`scp`).
    public var delegatedScopes: Set<String>
    /// Directory roles the signed-in user must hold one of (`wids`); empty means no role is required.
    public var delegatedRoles: Set<DirectoryRoleTemplate>
    /// Whether an owner of the target may act without one of `delegatedRoles`.
    public var ownersMayActWithoutRole: Bool
    /// Application permissions, any one of which suffices (`roles`).
    public var applicationRoles: Set<String>
    public var ownedBy: OwnedBy
    /// The docs' "Delegated (personal Microsoft account)" row.
    public var personalAccountsSupported: Bool

    public init(
        delegatedScopes: Set<String>, delegatedRoles: Set<DirectoryRoleTemplate> = [], ownersMayActWithoutRole: Bool = false,
        applicationRoles: Set<String>, ownedBy: OwnedBy = .notAccepted, personalAccountsSupported: Bool = false
    ) {
        self.delegatedScopes = delegatedScopes
        self.delegatedRoles = delegatedRoles
        self.ownersMayActWithoutRole = ownersMayActWithoutRole
        self.applicationRoles = applicationRoles
        self.ownedBy = ownedBy
        self.personalAccountsSupported = personalAccountsSupported
    }

    /// What the caller may do under this policy.
    public enum Decision: Sendable, Equatable {
        /// Allowed on any object.
        case allowed
        /// Allowed only on objects the caller owns (`Application.ReadWrite.OwnedBy`, or a delegated owner).
        case ownedObjectsOnly
        case denied
    }

    /// Decides from the token alone; `.ownedObjectsOnly` leaves the ownership check to the caller of this method.
    public func evaluate(_ caller: Caller) -> Decision {
        if caller.isPersonalAccount && !self.personalAccountsSupported { return .denied }
        switch caller.kind {
        case .application:
            if !self.applicationRoles.isDisjoint(with: caller.roles) { return .allowed }
            guard caller.roles.contains(GraphPermission.applicationReadWriteOwnedBy.value) else { return .denied }
            switch self.ownedBy {
            case .notAccepted: return .denied
            case .ownerOfTarget, .creatorOrOwnedOnly: return .ownedObjectsOnly
            }
        case .delegated:
            guard !self.delegatedScopes.isDisjoint(with: caller.scopes) else { return .denied }
            if self.delegatedRoles.isEmpty { return .allowed }
            let held = self.delegatedRoles.contains { caller.roleTemplateIds.contains($0.id) }
                || caller.roleTemplateIds.contains(DirectoryRoleTemplate.globalAdministrator.id)
            if held { return .allowed }
            return self.ownersMayActWithoutRole ? .ownedObjectsOnly : .denied
        }
    }

    /// What this caller lacks, in words, for a 403 that says which permission to grant (clients such as Terraform's
    /// provider retry 403s until they time out, so the message is all a person gets to see).
    public func missing(for caller: Caller) -> String {
        func list(_ names: some Sequence<String>) -> String { names.sorted().joined(separator: ", ") }
        let ownedBy = self.ownedBy == .notAccepted ? "" : ", or Application.ReadWrite.OwnedBy as an owner of the object"
        switch caller.kind {
        case .application:
            return "This operation needs the application permission \(list(self.applicationRoles))\(ownedBy)."
        case .delegated:
            let roles = self.delegatedRoles.isEmpty
                ? "" : ", and the signed-in user needs one of the directory roles \(list(self.delegatedRoles.map(\.displayName)))\(self.ownersMayActWithoutRole ? " or to own the object" : "")"
            return "This operation needs the delegated permission \(list(self.delegatedScopes))\(roles)."
        }
    }

    /// Whether the caller may act on an object with these owners.
    public func permits(_ caller: Caller, ownerIds: @Sendable () async throws -> Set<String>) async throws -> Bool {
        switch self.evaluate(caller) {
        case .allowed: return true
        case .denied: return false
        case .ownedObjectsOnly: return try await ownerIds().contains(caller.objectId)
        }
    }
}

/// How far a caller's permission reaches on a list or a create: every object, or only the objects one principal owns.
/// List queries and creates take it as a parameter, so an authorization decision cannot be dropped on the way.
public enum AccessScope: Sendable, Equatable {
    case everything
    case ownedBy(String)

    /// The owner to filter by, if any.
    public var ownerId: String? {
        if case .ownedBy(let id) = self { return id }
        return nil
    }
}
