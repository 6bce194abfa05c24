import Foundation

/// Group membership as Graph's directory functions read it: `memberOf` and `transitiveMemberOf` of a user, group or
/// service principal, `transitiveMembers` of a group, and `checkMemberGroups`/`getMemberGroups` (and their
/// `…Objects` forms, which here see groups only: GraphSync has no activated directory-role objects).
///
/// Nested groups are followed one level per query, breadth first, each group once (so a membership cycle ends), and at
/// most `maximumTransitiveGroups` groups are visited.
extension DirectoryService {
    /// Groups visited by one transitive walk.
    public static let maximumTransitiveGroups = 11_000
    /// Graph's limit on `checkMemberGroups`' `groupIds` (and `checkMemberObjects`' `ids`).
    public static let maximumCheckedIds = 20

    /// The groups `objectId` is a direct member of.
    public func memberOf(_ objectId: String) async throws -> [Group] {
        try await self.repositories.groups.groups(ids: try await self.repositories.groups.groupIds(withMembers: [objectId.lowercased()]))
    }

    /// The groups `objectId` is a member of, directly or through nested groups.
    public func transitiveMemberOf(_ objectId: String) async throws -> [Group] {
        try await self.repositories.groups.groups(ids: try await self.transitiveGroupIds(of: objectId))
    }

    /// Ids of the groups `objectId` is a member of, directly or through nested groups.
    public func transitiveGroupIds(of objectId: String) async throws -> Set<String> {
        var found: Set<String> = []
        var frontier: Set<String> = [objectId.lowercased()]
        while !frontier.isEmpty, found.count < Self.maximumTransitiveGroups {
            let parents = try await self.repositories.groups.groupIds(withMembers: frontier).subtracting(found)
            found.formUnion(parents.prefix(Self.maximumTransitiveGroups - found.count))
            frontier = parents
        }
        return found
    }

    /// The members of `groupId` and of the groups nested in it, each once (nested groups included).
    public func transitiveMembers(of groupId: String) async throws -> [DirectoryObjectSummary] {
        var seen: [String: PrincipalType] = [:]
        var frontier: Set<String> = [groupId.lowercased()]
        var groupsVisited = 0
        while !frontier.isEmpty, groupsVisited < Self.maximumTransitiveGroups {
            groupsVisited += frontier.count
            let members = try await self.repositories.groups.memberIds(of: frontier)
            frontier = []
            for member in members where seen[member.id] == nil && member.id != groupId.lowercased() {
                seen[member.id] = member.type
                if member.type == .group { frontier.insert(member.id) }
            }
        }
        var summaries: [DirectoryObjectSummary] = []
        for (id, _) in seen.sorted(by: { $0.key < $1.key }) {
            if let principal = try await self.principal(id: id) { summaries.append(principal) }
        }
        return summaries
    }

    /// `checkMemberGroups`: which of `groupIds` (at most 20) `objectId` is a member of, directly or transitively.
    public func checkMemberGroups(_ objectId: String, groupIds: [String]) async throws -> [String] {
        guard groupIds.count <= Self.maximumCheckedIds else {
            throw DirectoryError.badRequest("The maximum number of ids is \(Self.maximumCheckedIds); the request has \(groupIds.count).")
        }
        let memberOf = try await self.transitiveGroupIds(of: objectId)
        var answered: Set<String> = []
        return groupIds.filter { memberOf.contains($0.lowercased()) && answered.insert($0.lowercased()).inserted }
    }

    /// `getMemberGroups`: the ids of every group `objectId` is a member of, directly or transitively; security groups
    /// only when `securityEnabledOnly`.
    public func memberGroupIds(_ objectId: String, securityEnabledOnly: Bool) async throws -> [String] {
        let groups = try await self.transitiveMemberOf(objectId)
        return groups.filter { !securityEnabledOnly || $0.securityEnabled }.map(\.id)
    }
}
