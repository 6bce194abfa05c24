import Foundation

/// A checked `/authorize` request (OpenID Connect Core §3.1.2.1, RFC 6749 §4.1.1, RFC 7636): the client and the
/// registered redirect URI it named, the scopes, and what to echo back.
public struct AuthorizationRequest: Sendable, Codable, Equatable {
    public enum ResponseMode: String, Sendable, Codable {
        case query
        case formPost = "form_post"
    }

    public var clientId: String
    public var clientDisplayName: String
    public var redirectUri: String
    /// Every scope asked for, OIDC ones (`openid`, `offline_access`, …) included.
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    /// The S256 PKCE challenge; required when the redirect URI is a public client's.
    public var codeChallenge: String?
    public var responseMode: ResponseMode
    /// `login` forces the sign-in page; `none` must not show any page; `consent` shows the consent page.
    public var prompt: String?
    public var loginHint: String?
    /// The redirect URI is registered for a public client (mobile/desktop or SPA): no client secret at the token endpoint.
    public var isPublicClient: Bool

    public var wantsIDToken: Bool { self.scopes.contains("openid") }
    public var wantsRefreshToken: Bool { self.scopes.contains("offline_access") }
}

/// The redirect URIs an application registered, by platform, and how a requested one matches.
public struct RegisteredRedirectURIs: Sendable {
    public var web: [String]
    public var publicClient: [String]
    public var spa: [String]
    /// Whether a loopback URI matches any port. Not for the console: its callback is GraphSync's own listener, and a
    /// wildcard would hand a signed-in administrator's code to whatever else listens on the machine.
    public var loopbackMatchesAnyPort: Bool

    public init(_ application: Application) {
        self.web = application.webRedirectUris
        self.publicClient = Self.uris(application.properties["publicClient"])
        self.spa = Self.uris(application.properties["spa"])
        self.loopbackMatchesAnyPort = application.appId.lowercased() != WellKnown.consoleAppId
    }

    private static func uris(_ value: JSONValue?) -> [String] {
        value?["redirectUris"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Whether `requested` is registered, and for a public client. Matching is exact, except that a public client's
    /// loopback URI (`http://localhost`, `http://127.0.0.1`) matches any port (RFC 8252 §7.3, as Entra does), unless
    /// `loopbackMatchesAnyPort` is off.
    public func match(_ requested: String) -> (matched: Bool, isPublic: Bool) {
        if self.web.contains(requested) { return (true, false) }
        if self.spa.contains(requested) || self.publicClient.contains(requested) { return (true, true) }
        if self.loopbackMatchesAnyPort, let loopback = Self.withoutPort(requested), self.publicClient.contains(where: { Self.withoutPort($0) == loopback }) {
            return (true, true)
        }
        return (false, false)
    }

    /// `http://localhost:53211/x` → `http://localhost/x`, for loopback http URIs only.
    static func withoutPort(_ uri: String) -> String? {
        guard var components = URLComponents(string: uri), components.scheme == "http",
            ["localhost", "127.0.0.1", "[::1]", "::1"].contains(components.host ?? "")
        else { return nil }
        components.port = nil
        return components.string
    }
}
