import Foundation
/// A refused token request, in the vocabulary of the Microsoft identity platform (RFC 6749 §5.2 codes plus AADSTS numbers).
public struct TokenRequestError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unauthorizedClient = "unauthorized_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidScope = "invalid_scope"
        case invalidResource = "invalid_resource"
        case consentRequired = "consent_required"
        // The device flow (RFC 8628 §3.5).
        case authorizationPending = "authorization_pending"
        case authorizationDeclined = "authorization_declined"
        case expiredToken = "expired_token"
        case badVerificationCode = "bad_verification_code"
    }

    public var code: Code
    /// The AADSTS error number, also reported in `error_codes`.
    public var aadsts: Int
    public var description: String
    /// Client authentication failures answer 401, throttling 429; everything else 400.
    public var httpStatus: Int
    /// Seconds after which a throttled client may try again (`Retry-After`).
    public var retryAfter: TimeInterval?

    public init(_ code: Code, aadsts: Int, _ description: String, httpStatus: Int? = nil, retryAfter: TimeInterval? = nil) {
        self.code = code
        self.aadsts = aadsts
        self.description = description
        self.httpStatus = httpStatus ?? (code == .invalidClient ? 401 : 400)
        self.retryAfter = retryAfter
    }
}
