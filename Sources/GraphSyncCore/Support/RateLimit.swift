import Foundation
import Synchronization

/// At most `limit` requests per `window` for each key (a sliding window, in memory on this node), as Graph throttles
/// provisionOnDemand (5 requests per 10 seconds). Keys are forgotten once their window has passed; at most `capacity`
/// keys are tracked, so callers inventing keys cannot grow it without bound.
public final class RateLimit: Sendable {
    public let limit: Int
    public let window: TimeInterval
    let capacity: Int
    private let recent = Mutex<[String: [Date]]>([:])

    public init(limit: Int, per window: TimeInterval, capacity: Int = 10_000) {
        self.limit = max(1, limit)
        self.window = window
        self.capacity = capacity
    }

    /// Counts a request for `key` and returns nil, or, when the key is over its limit, how long until it may try again
    /// (the request is not counted).
    public func admit(_ key: String, now: Date = Date()) -> TimeInterval? {
        self.recent.withLock { recent in
            let since = now.addingTimeInterval(-self.window)
            var times = (recent[key] ?? []).filter { $0 > since }
            if times.count >= self.limit {
                recent[key] = times
                return max(0.001, times[0].timeIntervalSince(since))
            }
            if recent[key] == nil && recent.count >= self.capacity {
                recent = recent.filter { $0.value.contains { $0 > since } }
                if recent.count >= self.capacity { return self.window }
            }
            times.append(now)
            recent[key] = times
            return nil
        }
    }
}
