import Foundation

/// A sign-in page's flow, between showing the page and the user's answer: which request (or device code) it serves,
/// the value the page's form must echo from its cookie, and, once signed in, who (while the consent page shows).
public struct PendingSignIn: Sendable, Codable, Equatable {
    public var request: AuthorizationRequest?
    /// For the device flow: the device code's storage id.
    public var deviceGrantId: String?
    public var csrf: String
    public var userId: String?
    public var authTime: Date?
}

/// An issued authorization code: single use, minutes long.
struct AuthorizationCodeGrant: Sendable, Codable {
    var request: AuthorizationRequest
    var userId: String
    var authTime: Date
}

/// A refresh token: which user and client, the scopes of the original sign-in, and the user's credential stamp, so
/// a password change, a disabled account or a deleted user ends it.
struct RefreshTokenGrant: Sendable, Codable {
    /// The chain of rotations this token belongs to, from one sign-in: all of it ends if a spent token comes back.
    var familyId: String
    var userId: String
    var clientId: String
    var scopes: [String]
    var credentialStamp: String
    var authTime: Date
    var isPublicClient: Bool
}

/// A device code (RFC 8628) and what became of it.
struct DeviceCodeGrant: Sendable, Codable {
    enum Status: String, Sendable, Codable { case pending, approved, declined }
    var clientId: String
    var clientDisplayName: String
    var scopes: [String]
    var status: Status
    var userId: String?
    var authTime: Date?
}

/// A browser's signed-in session at the authority (its cookie), so the next authorization needs no password.
struct BrowserSession: Sendable, Codable {
    var userId: String
    var credentialStamp: String
    var authTime: Date
}

extension User {
    /// What refresh tokens and sessions are bound to: changes with the password, `accountEnabled` and
    /// `signInSessionsValidFromDateTime`, which only moves forward, so re-enabling or restoring a user never brings an
    /// old token back.
    var credentialStamp: String {
        let validFrom = self.signInSessionsValidFromDateTime.map { "|\($0.timeIntervalSince1970)" } ?? ""
        return SignInHandle.sha256Hex("\(self.id)|\(self.passwordHash ?? "")|\(self.accountEnabled)\(validFrom)").prefix(32).description
    }

    /// Ends every refresh token and browser session issued to the user so far, for good.
    public mutating func revokeSignInSessions(at now: Date = Date()) {
        self.signInSessionsValidFromDateTime = max(now, self.signInSessionsValidFromDateTime?.addingTimeInterval(0.001) ?? now)
    }
}
