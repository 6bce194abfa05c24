import Foundation
import GraphSyncCore
import Synchronization

/// The signing key ring a node uses now, reloaded from the database so that a key rotated on any node is published,
/// verified and (once active) used everywhere: every minute by `refresh`, and at once (at most every 30 s) when a
/// token names a `kid` this node does not know yet.
public final class SigningKeys: Sendable {
    private let ring: Mutex<SigningKeyRing>
    private let lastReload = Mutex(Date.distantPast)
    private let tenants: (any TenantRepository)?
    private let cipher: SecretCipher?

    public init(_ ring: SigningKeyRing, tenants: (any TenantRepository)? = nil, cipher: SecretCipher? = nil) {
        self.ring = Mutex(ring)
        self.tenants = tenants
        self.cipher = cipher
    }

    public var current: SigningKeyRing { self.ring.withLock { $0 } }

    /// Loads the keys again (a no-op for a fixed ring).
    public func reload(now: Date = Date()) async throws {
        guard let tenants, let cipher else { return }
        let fresh = try await SigningKeyRing.load(from: tenants, cipher: cipher, now: now)
        self.ring.withLock { $0 = fresh }
        self.lastReload.withLock { $0 = now }
    }

    /// Reloads when `kid` is unknown here and the last reload is older than `minimumInterval`; whether it is known now.
    public func knows(kid: String?, minimumInterval: TimeInterval = 30) async -> Bool {
        guard let kid else { return true }
        if self.current.jwks.keys.contains(where: { $0.kid == kid }) { return true }
        // Claim the reload before starting it, so a burst of tokens with unknown kids causes one reload, not one each.
        let due = self.lastReload.withLock { last in
            guard Date().timeIntervalSince(last) >= minimumInterval else { return false }
            last = Date()
            return true
        }
        if due { try? await self.reload() }
        return self.current.jwks.keys.contains { $0.kid == kid }
    }
}
