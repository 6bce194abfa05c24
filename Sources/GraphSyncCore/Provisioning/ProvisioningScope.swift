import Foundation

/// The users and groups a job provisions: those assigned to the service principal (groups bring their direct user
/// members), or every user when the job's `SyncAll` secret is `True`.
///
/// The scope is never loaded whole: a cycle reads it page by page, so memory stays flat as the directory grows.
public struct ProvisioningScope: Sendable, Hashable {
    public var servicePrincipalId: String
    /// Every user is in scope, assigned or not.
    public var syncAll: Bool

    public init(servicePrincipalId: String, syncAll: Bool) {
        self.servicePrincipalId = servicePrincipalId
        self.syncAll = syncAll
    }
}

/// Reads a provisioning scope from the directory.
public protocol ProvisioningScopeRepository: Sendable {
    /// In-scope users with ids after `after`, in id order, at most `limit`.
    func users(in scope: ProvisioningScope, after: String?, limit: Int) async throws -> [User]
    /// How many users are in scope.
    func countUsers(in scope: ProvisioningScope) async throws -> Int
    /// Which of `userIds` are in scope.
    func inScope(userIds: [String], of scope: ProvisioningScope) async throws -> Set<String>
    /// The groups assigned to the service principal, in id order.
    func groups(in scope: ProvisioningScope) async throws -> [Group]
    /// Ids of the direct user members of `groupId`, in id order.
    func userMembers(of groupId: String) async throws -> [String]
}
