import Foundation

/// Requests counted in the database, so a limit holds for a whole cluster and not per node.
public protocol RateLimitRepository: Sendable {
    /// In one transaction: forgets requests older than `window`, and either counts one more for `key` (nil) or, when
    /// `limit` were counted within `window`, returns how long until the oldest of them leaves it (nothing is counted).
    func admit(_ key: String, limit: Int, window: TimeInterval, now: Date) async throws -> TimeInterval?
}
