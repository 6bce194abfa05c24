import Foundation
import GraphSyncCore
import SQLKit

/// A provisioning scope read with SQL: users assigned directly, users who are direct members of an assigned group,
/// or every user (`SyncAll`), paged by id so a cycle never holds the whole scope.
public struct SQLProvisioningScopeRepository: ProvisioningScopeRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func users(in scope: ProvisioningScope, after: String?, limit: Int) async throws -> [User] {
        try await self.database.read { db in
            try await db.select().column("document").from("users")
                .where("id", .greaterThan, SQLBind(after ?? ""))
                .where(Self.membership(scope))
                .orderBy("id").limit(limit).all().map { try DocumentTable<User>.decode($0) }
        }
    }

    public func countUsers(in scope: ProvisioningScope) async throws -> Int {
        try await self.database.read { db in
            let row = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from("users")
                .where(Self.membership(scope)).first()
            return try row?.decode(column: "count", as: Int.self) ?? 0
        }
    }

    public func inScope(userIds: [String], of scope: ProvisioningScope) async throws -> Set<String> {
        guard !userIds.isEmpty else { return [] }
        return try await self.database.read { db in
            let rows = try await db.select().column("id").from("users")
                .where("id", .in, userIds.map { $0.lowercased() })
                .where(Self.membership(scope)).all()
            return Set(try rows.map { try $0.decode(column: "id", as: String.self) })
        }
    }

    public func groups(in scope: ProvisioningScope) async throws -> [Group] {
        try await self.database.read { db in
            try await db.select().column("document").from("groups")
                .where(SQLQueryString("id IN (SELECT principal_id FROM app_role_assignments WHERE resource_id = \(bind: scope.servicePrincipalId.lowercased()))"))
                .orderBy("id").all().map { try DocumentTable<Group>.decode($0) }
        }
    }

    public func userMembers(of groupId: String) async throws -> [String] {
        try await self.database.read { db in
            try await db.select().column("member_id").from("group_members")
                .where("group_id", .equal, SQLBind(groupId.lowercased())).where("member_type", .equal, SQLBind(PrincipalType.user.rawValue))
                .orderBy("member_id").all().map { try $0.decode(column: "member_id", as: String.self) }
        }
    }

    /// The condition on `users.id` that puts a user in `scope`.
    private static func membership(_ scope: ProvisioningScope) -> SQLQueryString {
        if scope.syncAll { return SQLQueryString("1 = 1") }
        let resource = scope.servicePrincipalId.lowercased()
        return SQLQueryString(
            """
            (id IN (SELECT principal_id FROM app_role_assignments WHERE resource_id = \(bind: resource)) \
            OR id IN (SELECT m.member_id FROM group_members m JOIN app_role_assignments a ON a.principal_id = m.group_id \
            WHERE a.resource_id = \(bind: resource)))
            """)
    }
}
