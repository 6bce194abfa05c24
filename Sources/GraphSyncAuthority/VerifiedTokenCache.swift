import Crypto
import Foundation
import GraphSyncCore

/// Remembers tokens already verified, keyed by their SHA-256, so RS256 is checked once per token rather than
/// once per request. Bounded in size; an entry never outlives the token's `exp`.
public final class VerifiedTokenCache: Sendable {
    private let entries: ExpiringCache<SHA256.Digest, Caller>

    public init(capacity: Int = 10_000) { self.entries = ExpiringCache(capacity: capacity) }

    func caller(for token: String, now: Date) -> Caller? {
        self.entries.value(for: SHA256.hash(data: Data(token.utf8)), now: now)
    }

    func store(_ caller: Caller, for token: String, expires: Date, now: Date) {
        self.entries.store(caller, for: SHA256.hash(data: Data(token.utf8)), expires: expires, now: now)
    }
}
