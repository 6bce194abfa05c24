import Foundation

/// At most `limit` requests per `window` for each key across every node, as Graph throttles provisionOnDemand
/// (5 requests per 10 seconds per job), counted in the shared database. `RateLimit` is its in-memory, per-node kin.
public struct SharedRateLimit: Sendable {
    public let limit: Int
    public let window: TimeInterval
    let store: any RateLimitRepository

    public init(limit: Int, per window: TimeInterval, store: any RateLimitRepository) {
        self.limit = max(1, limit)
        self.window = max(0.001, window)
        self.store = store
    }

    /// Counts a request for `key` and returns nil, or how long until `key` may try again (not counted).
    public func admit(_ key: String, now: Date = Date()) async throws -> TimeInterval? {
        try await self.store.admit(String(key.prefix(200)), limit: self.limit, window: self.window, now: now)
    }
}
