import Foundation
import GraphSyncCore
import SQLKit

/// Rate-limit counts in SQL: one `rate_limit_events` row per admitted request, under the database's write lock (one
/// writer on SQLite, an advisory lock on PostgreSQL), so concurrent nodes never admit more than the limit between them.
public struct SQLRateLimitRepository: RateLimitRepository {
    let database: any SQLDatabaseProvider

    public init(database: any SQLDatabaseProvider) { self.database = database }

    public func admit(_ key: String, limit: Int, window: TimeInterval, now: Date) async throws -> TimeInterval? {
        let since = now.timeIntervalSince1970 - window
        return try await self.database.write { db in
            // This key's requests out of the window are forgotten, and anyone's older than a day (no window is that long).
            try await db.delete(from: "rate_limit_events").where("limit_key", .equal, SQLBind(key))
                .where("admitted_at", .lessThanOrEqual, SQLBind(since)).run()
            try await db.delete(from: "rate_limit_events").where("admitted_at", .lessThanOrEqual, SQLBind(now.timeIntervalSince1970 - 86_400)).run()
            let times = try await db.select().column("admitted_at").from("rate_limit_events").where("limit_key", .equal, SQLBind(key))
                .orderBy("admitted_at").all().map { try $0.decode(column: "admitted_at", as: Double.self) }
            if times.count >= limit {
                // Until enough have left the window for one more to fit.
                return max(0.001, times[times.count - limit] - since)
            }
            try await db.insert(into: "rate_limit_events").columns("limit_key", "admitted_at")
                .values(SQLBind(key), SQLBind(now.timeIntervalSince1970)).run()
            return nil
        }
    }
}
