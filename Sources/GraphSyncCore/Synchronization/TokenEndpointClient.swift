import Foundation

/// An OAuth 2.0 token request to an application's token endpoint (RFC 6749 §4.1.3, §4.4, §6).
public struct TokenEndpointRequest: Sendable, Equatable {
    public enum Grant: Sendable, Equatable {
        case authorizationCode(code: String, redirectURI: String?, codeVerifier: String?)
        case clientCredentials(scope: String?)
        case refreshToken(String)

        public var name: String {
            switch self {
            case .authorizationCode: "authorization_code"
            case .clientCredentials: "client_credentials"
            case .refreshToken: "refresh_token"
            }
        }
    }

    /// How the client authenticates (RFC 6749 §2.3.1).
    public enum ClientAuthentication: String, Sendable, Equatable {
        case post = "client_secret_post"
        case basic = "client_secret_basic"
        /// A signed JWT instead of a secret (RFC 7523 §2.2, OpenID Connect's `private_key_jwt`).
        case assertion = "private_key_jwt"
    }

    public var tokenURL: String
    public var grant: Grant
    public var clientId: String
    public var clientSecret: String?
    public var authentication: ClientAuthentication
    /// The signed JWT sent as `client_assertion` with `.assertion` authentication.
    public var clientAssertion: String?

    public init(
        tokenURL: String, grant: Grant, clientId: String, clientSecret: String?, authentication: ClientAuthentication = .post,
        clientAssertion: String? = nil
    ) {
        self.tokenURL = tokenURL
        self.grant = grant
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.authentication = authentication
        self.clientAssertion = clientAssertion
    }
}

/// A successful token response.
public struct TokenEndpointResponse: Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String?
    public var expiresIn: Int?
    public var tokenType: String?

    public init(accessToken: String, refreshToken: String?, expiresIn: Int?, tokenType: String?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
        self.tokenType = tokenType
    }
}

/// Why a token request did not produce tokens.
public enum TokenEndpointError: Error, Sendable, Equatable {
    /// The URL may not be called (scheme, or an address the operator has not allowed).
    case destinationRefused(String)
    /// The app answered with an OAuth error (RFC 6749 §5.2).
    case oauth(status: Int, error: String, description: String?)
    /// No usable answer: unreachable, TLS failure, non-JSON, no `access_token`, 5xx, or too large.
    case badGateway(String)
    /// No answer within the timeout.
    case timeout(seconds: Int)
}

/// Calls OAuth token endpoints on user-supplied URLs (implemented over AsyncHTTPClient with SSRF guards).
public protocol TokenEndpointClient: Sendable {
    func requestToken(_ request: TokenEndpointRequest) async throws(TokenEndpointError) -> TokenEndpointResponse
}
