import Foundation

/// The users and groups a job provisions: those assigned to the service principal (groups bring their direct
/// members), or every user when the job's `SyncAll` secret is `True`.
public struct ProvisioningScope: Sendable {
    public var users: [String: User] = [:]
    public var groups: [String: Group] = [:]
    /// Direct user members of each in-scope group.
    public var groupMembers: [String: [String]] = [:]

    public static func resolve(servicePrincipalId: String, syncAll: Bool, repositories: Repositories) async throws -> ProvisioningScope {
        var scope = ProvisioningScope()
        if syncAll {
            var after: String?
            repeat {
                let page = try await repositories.users.list(DirectoryQuery(top: DirectoryQuery.maxTop, after: after))
                for user in page.items { scope.users[user.id] = user }
                after = page.next
            } while after != nil
        }
        for assignment in try await repositories.appRoleAssignments.list(resourceId: servicePrincipalId) {
            switch assignment.principalType {
            case .user:
                if let user = try await repositories.users.get(id: assignment.principalId) { scope.users[user.id] = user }
            case .group:
                guard let group = try await repositories.groups.get(id: assignment.principalId) else { continue }
                scope.groups[group.id] = group
                var members: [String] = []
                for member in try await repositories.groups.members(of: group.id) where member.type == .user {
                    if let user = try await repositories.users.get(id: member.id) {
                        scope.users[user.id] = user
                        members.append(user.id)
                    }
                }
                scope.groupMembers[group.id] = members
            case .servicePrincipal:
                continue
            }
        }
        return scope
    }
}
