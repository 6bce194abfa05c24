import Foundation
/// One-way protection of client secrets and user passwords. Implemented with swift-crypto in GraphSyncAuthority.
public protocol CredentialHasher: Sendable {
    /// A self-describing, salted hash of `secret` (algorithm and parameters included).
    func hash(_ secret: String) -> String
    /// Whether `secret` matches `hash`, compared in constant time.
    func verify(_ secret: String, against hash: String) -> Bool
    /// A hash of a random secret, costing what a real one does to verify: checked for unknown users so that a sign-in
    /// takes the same time whether the account exists or not.
    var decoyHash: String { get }
}
