import Foundation

/// Client assertions for the workload identity federation checks: a genuine one, and the kinds a token endpoint must
/// refuse. Signed by a running GraphSync's authority (its data directory's keys), which the app trusts.
public protocol FederatedAssertions: Sendable {
    /// What a genuine assertion carries, for the report: issuer, subject and audience.
    var description: String { get }
    func assertion(_ kind: FederatedAssertionKind) async throws -> String
}

public enum FederatedAssertionKind: Sendable, CaseIterable {
    /// As GraphSync's engine sends it.
    case genuine
    /// The same claims, signed by another key under the genuine key's `kid`.
    case forged
    /// Signed by the authority, expired an hour ago.
    case expired
    /// Signed by the authority, for another audience.
    case wrongAudience
}
