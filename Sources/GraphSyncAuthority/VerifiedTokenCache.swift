import Crypto
import Foundation
import GraphSyncCore
import Synchronization

/// Remembers tokens already verified, keyed by their SHA-256, so RS256 is checked once per token rather than
/// once per request. Bounded in size; an entry never outlives the token's `exp`.
public final class VerifiedTokenCache: Sendable {
    private struct Entry {
        var caller: Caller
        var expires: Date
    }

    private let entries = Mutex<[SHA256.Digest: Entry]>([:])
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    func caller(for token: String, now: Date) -> Caller? {
        let key = SHA256.hash(data: Data(token.utf8))
        return self.entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expires <= now {
                entries[key] = nil
                return nil
            }
            return entry.caller
        }
    }

    func store(_ caller: Caller, for token: String, expires: Date, now: Date) {
        let key = SHA256.hash(data: Data(token.utf8))
        self.entries.withLock { entries in
            if entries.count >= self.capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(caller: caller, expires: expires)
        }
    }
}
