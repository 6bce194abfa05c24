import Foundation
/// Why a bearer token was refused; each case carries the message Graph clients see with `InvalidAuthenticationToken`.
public enum TokenValidationFailure: Error, Sendable, Equatable {
    case missing
    case malformed
    case unsupportedAlgorithm(String)
    case unknownIssuer(String)
    case invalidSignature
    case expired
    case notYetValid
    case invalidAudience

    public var message: String {
        switch self {
        case .missing: "Access token is empty."
        case .malformed: "CompactToken parsing failed with error code: 80049217"
        case .unsupportedAlgorithm(let alg): "Access token validation failure. The signing algorithm '\(alg)' is not accepted; tokens must be signed with RS256."
        case .unknownIssuer(let issuer): "Access token validation failure. Invalid issuer '\(issuer)'."
        case .invalidSignature: "Access token validation failure. Invalid signature."
        case .expired: "Lifetime validation failed, the token is expired."
        case .notYetValid: "Lifetime validation failed, the token is not yet valid."
        case .invalidAudience: "Access token validation failure. Invalid audience."
        }
    }
}
