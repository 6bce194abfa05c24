import Crypto
import Foundation
import GraphSyncCore

/// Remembers tokens already verified, keyed by their SHA-256, so RS256 is checked once per token rather than
/// once per request. Bounded in size; an entry never outlives the token's `exp`.
///
/// Each entry remembers the `kid` of the authority's key that signed it, so a key revoked since is noticed.
public final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        var caller: Caller
        /// The signing key's id, for tokens of the built-in authority.
        var kid: String?
    }

    private let entries: ExpiringCache<SHA256.Digest, Entry>

    public init(capacity: Int = 10_000) { self.entries = ExpiringCache(capacity: capacity) }

    func caller(for token: String, now: Date) -> Caller? {
        self.entry(for: token, now: now)?.caller
    }

    func entry(for token: String, now: Date) -> Entry? {
        self.entries.value(for: SHA256.hash(data: Data(token.utf8)), now: now)
    }

    func store(_ caller: Caller, for token: String, kid: String? = nil, expires: Date, now: Date) {
        self.entries.store(Entry(caller: caller, kid: kid), for: SHA256.hash(data: Data(token.utf8)), expires: expires, now: now)
    }

    /// Forgets a token (one signed by a key revoked since it was verified).
    func forget(_ token: String) {
        self.entries.remove(SHA256.hash(data: Data(token.utf8)))
    }
}
