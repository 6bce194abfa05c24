/// The secrets of each service principal's synchronization, sealed at rest.
public protocol SynchronizationSecretRepository: Sendable {
    /// The current secrets (opened), empty when none were saved.
    func secrets(of servicePrincipalId: String) async throws -> SynchronizationSecrets
    /// Replaces every secret of the synchronization in one transaction.
    func replace(_ secrets: SynchronizationSecrets, of servicePrincipalId: String) async throws
}

/// Reversible protection of secrets at rest (AES-GCM in GraphSyncAuthority), each value bound to a context naming where
/// it is stored (`SealContext`), so it opens only there.
public protocol SecretSealer: Sendable {
    func seal(_ plaintext: String, context: String) throws -> String
    func open(_ sealed: String, context: String) throws -> String
    /// Whether `sealed` was written before values were bound to a context.
    func isLegacy(_ sealed: String) -> Bool
    /// Opens a value written before values were bound to a context (for resealing it).
    func openLegacy(_ sealed: String) throws -> String
}

/// The contexts sealed values are bound to.
public enum SealContext {
    public static func synchronizationSecret(servicePrincipalId: String, key: String) -> String {
        "graphsync/synchronization-secret/\(servicePrincipalId.lowercased())/\(key)"
    }

    public static func signingKey(kid: String) -> String { "graphsync/signing-key/\(kid)" }
}
