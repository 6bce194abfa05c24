import Foundation
public import SQLKit

/// One versioned, forward-only change to the schema, written with sql-kit builders so it runs on SQLite and PostgreSQL.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (any SQLDatabase) async throws -> Void

    public init(version: Int, name: String, apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// Every migration, in order. Their column types are portable: timestamps are `DOUBLE PRECISION` (`.exactSeconds`),
    /// 8 bytes on both databases (PostgreSQL's `REAL` is 4 bytes, which rounds epoch seconds to minutes).
    public static let all: [Migration] = [
        .m0001Directory, .m0002SynchronizationSecrets, .m0003Groups, .m0004Provisioning, .m0005ProvisionedObjectColumns, .m0006SchedulerNodes, .m0007SecretOrder, .m0008ApplicationTemplateColumns, .m0009DeletedItems, .m0010SignInGrants,
        .m0011UserManagers, .m0012DeletedItemAges, .m0013RateLimitEvents, .m0014ProvisionedObjectPages,
        .m0016SortedPages,
    ]
}

extension SQLDataType {
    /// Epoch seconds with millisecond precision: `DOUBLE PRECISION` on PostgreSQL and SQLite alike.
    static let exactSeconds = SQLDataType.custom(SQLRaw("DOUBLE PRECISION"))
}
