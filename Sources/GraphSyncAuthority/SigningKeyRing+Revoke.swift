import Foundation
import GraphSyncCore

extension SigningKeyRing {
    /// Why a key was not revoked, and what to do instead.
    public struct RevocationRefused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Revokes a key at once (a leaked key): it leaves the database, so every node stops publishing it, accepting
    /// tokens it signed and signing with it at its next reload. The key signing now is revoked only when a newer key is
    /// stored, which then signs from now on rather than when it was due; the only key never is.
    /// - Returns: the key that signs from now on.
    public static func revoke(kid: String, in tenants: any TenantRepository, now: Date = Date()) async throws -> String {
        let stored = try await tenants.signingKeys()  // newest first
        guard let index = stored.firstIndex(where: { $0.kid == kid }) else {
            throw RevocationRefused(description: "There is no signing key \(kid). The keys are: \(stored.map(\.kid).joined(separator: ", ")).")
        }
        let signing = stored.firstIndex { $0.createdDateTime <= now } ?? stored.count - 1
        guard index == signing else {
            try await tenants.deleteSigningKey(kid: kid)
            return stored[signing].kid
        }
        guard index > 0 else {
            throw RevocationRefused(
                description: "\(kid) is the key signing now and no newer key is stored. Rotate one in first, signing at once: `graphsync keys rotate --publish-before 0`, then run `graphsync keys revoke \(kid)` again.")
        }
        // The next newer key takes over now; otherwise an older, superseded key would sign again.
        let successor = stored[index - 1]
        try await tenants.deleteSigningKey(kid: successor.kid)
        try await tenants.addSigningKey(StoredSigningKey(kid: successor.kid, sealedPrivateKey: successor.sealedPrivateKey, createdDateTime: now))
        try await tenants.deleteSigningKey(kid: kid)
        return successor.kid
    }
}
