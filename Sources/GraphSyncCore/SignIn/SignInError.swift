import Foundation

/// Why an interactive sign-in cannot go on, by where the answer goes.
public enum SignInError: Error, Sendable, Equatable {
    /// Shown to the person: the request names no known client or an unregistered redirect URI, so nothing may be sent
    /// to that URI (RFC 6749 §4.1.2.1), or the page's flow expired or was tampered with.
    case page(title: String, message: String)
    /// Sent back to the client's redirect URI with `error`, `error_description` and `state`.
    case redirect(AuthorizationRequest, error: String, description: String)
}

/// What the person sees next in an interactive sign-in.
public enum SignInStep: Sendable, Equatable {
    /// The sign-in page, for the flow `flow` (its form echoes it); `error` says what went wrong with the last try.
    /// `returnTo` is the app's redirect URI, where the page's answer may lead (its CSP allows it).
    case signIn(flow: String, clientName: String, loginHint: String?, error: String?, returnTo: String?)
    /// The consent page: the Graph permissions the app asks for that nobody granted yet; `organizationWide` when the
    /// signed-in user is an administrator who may consent for everyone.
    case consent(flow: String, clientName: String, scopes: [PermissionScope], organizationWide: Bool, returnTo: String?)
    /// Back to the app with a code.
    case deliver(AuthorizationRequest, code: String)
    /// A device flow is approved (or declined): the person may close the window.
    case deviceDone(clientName: String, approved: Bool)
}

/// Tokens the token endpoint answers for an interactive grant: the access token's grant, the ID token's claims when
/// `openid` was asked for, a new refresh token when `offline_access` was, and the scopes to report.
public struct SignInTokens: Sendable {
    public var access: AccessTokenGrant
    public var idToken: IDTokenGrant?
    public var refreshToken: String?
    public var scopes: [String]
}

/// What an ID token asserts (OpenID Connect Core §2).
public struct IDTokenGrant: Sendable, Hashable {
    public var tenantId: String
    public var userId: String
    public var clientId: String
    public var nonce: String?
    public var name: String
    public var preferredUsername: String
    public var email: String?
    public var authTime: Date
}

/// A started device flow (RFC 8628 §3.2).
public struct DeviceAuthorization: Sendable {
    public var deviceCode: String
    public var userCode: String
    public var expiresIn: Int
    public var interval: Int
}
