import Foundation

/// What the sign-in flows keep between requests, on every node: pending sign-ins, authorization codes, refresh
/// tokens, device codes and browser sessions. Each is stored under the SHA-256 of its handle (never the handle), with
/// an expiry, as a JSON document.
public protocol SignInGrantRepository: Sendable {
    func insert(_ grant: StoredSignInGrant) async throws
    func get(id: String, kind: SignInGrantKind) async throws -> StoredSignInGrant?
    /// The grant of `kind` whose `lookup` is this (a device code's user code).
    func get(lookup: String, kind: SignInGrantKind) async throws -> StoredSignInGrant?
    /// Deletes and returns the grant in one statement: of two concurrent takes, exactly one gets it (single use).
    func take(id: String, kind: SignInGrantKind) async throws -> StoredSignInGrant?
    /// Replaces the document of an existing grant; false when it is gone.
    func update(_ grant: StoredSignInGrant) async throws -> Bool
    func delete(id: String, kind: SignInGrantKind) async throws
    /// Deletes every grant of `kind` with this lookup key (a refresh token family).
    func delete(lookup: String, kind: SignInGrantKind) async throws
    /// Deletes every grant that expired before `date`.
    func deleteExpired(before date: Date) async throws
}

public enum SignInGrantKind: String, Sendable, Codable {
    case pendingSignIn = "pending"
    case authorizationCode = "code"
    case refreshToken = "refresh"
    /// A refresh token that was used: kept until it would have expired, so presenting it again is noticed.
    case spentRefreshToken = "spent"
    case deviceCode = "device"
    case browserSession = "session"
    /// The console's sign-in in progress (its PKCE verifier), its signed-in sessions, and an enterprise app's
    /// Authorize in progress (the state sent to the app's authorization page).
    case consoleSignIn = "console-sign-in"
    case consoleSession = "console-session"
    case appAuthorization = "app-authorization"
    /// An administrator's unlock of an account's sign-in lockouts (`graphsync user unlock`), under the hash of the
    /// account's name, for every node to find.
    case accountUnlock = "unlock"
}

/// One stored grant: its hashed handle, kind, optional lookup key, expiry and document.
public struct StoredSignInGrant: Sendable, Equatable {
    public var id: String
    public var kind: SignInGrantKind
    public var lookup: String?
    public var expiresAt: Date
    public var document: String

    public init(id: String, kind: SignInGrantKind, lookup: String? = nil, expiresAt: Date, document: String) {
        self.id = id
        self.kind = kind
        self.lookup = lookup
        self.expiresAt = expiresAt
        self.document = document
    }
}
