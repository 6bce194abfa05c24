import Foundation
import Synchronization

/// A bounded, thread-safe map whose entries each expire at their own time. When full, expired entries are dropped
/// first; if it is still full, it starts over.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let capacity: Int
    private let entries = Mutex<[Key: (value: Value, expires: Date)]>([:])

    public init(capacity: Int) { self.capacity = capacity }

    /// The value stored for `key`, unless it has expired by `now`.
    public func value(for key: Key, now: Date = Date()) -> Value? {
        self.entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.expires > now else {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    public func remove(_ key: Key) {
        self.entries.withLock { $0[key] = nil }
    }

    public func store(_ value: Value, for key: Key, expires: Date, now: Date = Date()) {
        self.entries.withLock { entries in
            if entries.count >= self.capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = (value, expires)
        }
    }
}
