import Foundation
/// One-way protection of client secrets and user passwords. Implemented with swift-crypto in GraphSyncAuthority.
public protocol CredentialHasher: Sendable {
    /// A self-describing, salted hash of `secret` (algorithm and parameters included).
    func hash(_ secret: String) -> String
    /// Whether `secret` matches `hash`, compared in constant time.
    func verify(_ secret: String, against hash: String) -> Bool
}
