/// The secrets of each service principal's synchronization, sealed at rest.
public protocol SynchronizationSecretRepository: Sendable {
    /// The current secrets (opened), empty when none were saved.
    func secrets(of servicePrincipalId: String) async throws -> SynchronizationSecrets
    /// Replaces every secret of the synchronization in one transaction.
    func replace(_ secrets: SynchronizationSecrets, of servicePrincipalId: String) async throws
}

/// Reversible protection of secrets at rest (AES-GCM in GraphSyncAuthority).
public protocol SecretSealer: Sendable {
    func seal(_ plaintext: String) throws -> String
    func open(_ sealed: String) throws -> String
}
