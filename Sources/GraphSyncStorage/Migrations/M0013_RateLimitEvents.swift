import SQLKit

extension Migration {
    /// Requests counted for cluster-wide rate limits (provisionOnDemand): one row per admitted request, kept one window.
    static let m0013RateLimitEvents = Migration(version: 13, name: "rate limit events") { db in
        try await db.create(table: "rate_limit_events")
            .column("limit_key", type: .text, .notNull)
            .column("admitted_at", type: .exactSeconds, .notNull).run()
        try await db.create(index: "rate_limit_events_key").on("rate_limit_events").column("limit_key").column("admitted_at").run()
        try await db.create(index: "rate_limit_events_age").on("rate_limit_events").column("admitted_at").run()
    }
}
