import Foundation
import GraphSyncCore
import SQLKit

/// Groups and their direct members in SQL.
public struct SQLGroupRepository: GroupRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func create(_ group: Group) async throws {
        try await self.database.write { try await Tables.groups.insert(group, on: $0) }
    }

    public func get(id: String) async throws -> Group? {
        try await self.database.read { try await Tables.groups.first(where: "id", equals: id.lowercased(), on: $0) }
    }

    public func list(_ query: DirectoryQuery) async throws -> Page<Group> {
        try await self.database.read { try await Tables.groups.list(query, on: $0) }
    }

    public func update(_ group: Group) async throws {
        try await self.database.write { try await Tables.groups.update(group, on: $0) }
    }

    public func delete(id: String) async throws -> Bool {
        try await self.database.write { db in
            guard let group = try await Tables.groups.first(where: "id", equals: id.lowercased(), on: db) else { return false }
            try await Cascade.removePrincipal(group.id, on: db)
            try await Tables.groups.delete(where: "id", equals: group.id, on: db)
            // Graph keeps deleted Microsoft 365 groups for restore; security groups are deleted for good.
            if group.groupTypes.contains(where: { $0.caseInsensitiveCompare("Unified") == .orderedSame }) {
                try await SQLDeletedItemRepository.keep(DeletedItem(.group(group), deletedDateTime: Date()), on: db)
            }
            return true
        }
    }

    public func members(of groupId: String) async throws -> [DirectoryObjectSummary] {
        try await self.database.read { db in
            let rows = try await db.select().columns("member_id", "member_type").from("group_members")
                .where("group_id", .equal, SQLBind(groupId.lowercased())).orderBy("member_id").all()
            var members: [DirectoryObjectSummary] = []
            for row in rows {
                let id = try row.decode(column: "member_id", as: String.self)
                if let user = try await Tables.users.first(where: "id", equals: id, on: db) {
                    members.append(.init(id: id, type: .user, displayName: user.displayName, userPrincipalName: user.userPrincipalName))
                } else if let group = try await Tables.groups.first(where: "id", equals: id, on: db) {
                    members.append(.init(id: id, type: .group, displayName: group.displayName))
                }
            }
            return members
        }
    }

    public func addMember(_ member: DirectoryObjectSummary, to groupId: String) async throws -> Bool {
        try await self.database.write { db in
            let existing = try await db.select().column("member_id").from("group_members").where("group_id", .equal, SQLBind(groupId.lowercased()))
                .where("member_id", .equal, SQLBind(member.id.lowercased())).first()
            guard existing == nil else { return false }
            try await db.insert(into: "group_members").columns("group_id", "member_id", "member_type")
                .values(SQLBind(groupId.lowercased()), SQLBind(member.id.lowercased()), SQLBind(member.type.rawValue)).run()
            return true
        }
    }

    /// Ids bound in one `IN (…)`.
    private static let chunk = 500

    public func groupIds(withMembers memberIds: Set<String>) async throws -> Set<String> {
        try await self.database.read { db in
            var groups: Set<String> = []
            for ids in Self.chunks(memberIds) {
                for row in try await db.select().column("group_id").from("group_members").where("member_id", .in, ids).all() {
                    groups.insert(try row.decode(column: "group_id", as: String.self))
                }
            }
            return groups
        }
    }

    public func memberIds(of groupIds: Set<String>) async throws -> [(id: String, type: PrincipalType)] {
        try await self.database.read { db in
            var members: [(id: String, type: PrincipalType)] = []
            for ids in Self.chunks(groupIds) {
                for row in try await db.select().columns("member_id", "member_type").from("group_members").where("group_id", .in, ids).all() {
                    guard let type = PrincipalType(rawValue: try row.decode(column: "member_type", as: String.self)) else { continue }
                    members.append((try row.decode(column: "member_id", as: String.self), type))
                }
            }
            return members
        }
    }

    public func groups(ids: Set<String>) async throws -> [Group] {
        try await self.database.read { db in
            var groups: [Group] = []
            for chunk in Self.chunks(ids) { groups += try await Tables.groups.all(where: "id", in: chunk, on: db) }
            return groups.sorted { $0.id < $1.id }
        }
    }

    /// Lowercased ids, sorted, in chunks of `chunk`.
    private static func chunks(_ ids: Set<String>) -> [[String]] {
        let sorted = Set(ids.map { $0.lowercased() }).sorted()
        return stride(from: 0, to: sorted.count, by: Self.chunk).map { Array(sorted[$0..<min($0 + Self.chunk, sorted.count)]) }
    }

    public func removeMember(_ memberId: String, from groupId: String) async throws -> Bool {
        try await self.database.write { db in
            let existing = try await db.select().column("member_id").from("group_members").where("group_id", .equal, SQLBind(groupId.lowercased()))
                .where("member_id", .equal, SQLBind(memberId.lowercased())).first()
            guard existing != nil else { return false }
            try await db.delete(from: "group_members").where("group_id", .equal, SQLBind(groupId.lowercased()))
                .where("member_id", .equal, SQLBind(memberId.lowercased())).run()
            return true
        }
    }
}
