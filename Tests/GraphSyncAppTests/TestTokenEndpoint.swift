import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real OAuth 2.0 token endpoint (RFC 6749) on loopback for the tests: it checks what GraphSync sends and answers
/// as a SaaS app would, or misbehaves on request (errors, 500, HTML, a huge body, a hang, a redirect).
///
/// Behaviour is chosen by the authorization code (or, for other grants, by the client id):
/// `good` → tokens; `bad-code-1234` → invalid_grant (echoing the code and secret); `unauthorized` → unauthorized_client; `status-500`, `html`, `huge`, `hang`,
/// `no-access-token`, `redirect`. Client `basic-only` refuses client_secret_post with invalid_client.
final class TestTokenEndpoint: Sendable {
    static let clientId = "saas-client"
    static let clientSecret = "saas-s3cret-value"
    static let redirectURI = "https://app.example/callback"

    struct Received: Sendable {
        var form: [String: String]
        var basic: (id: String, secret: String)?
        var grantType: String? { self.form["grant_type"] }
    }

    /// The port it listens on, known once `serve` has started it (the kernel picks it).
    var port: Int { self.bound.withLock { $0 } ?? 0 }
    private let bound = Mutex<Int?>(nil)
    private let received = Mutex<[Received]>([])
    private let issued = Mutex(0)
    /// Whether refresh grants return a new refresh token.
    let rotatesRefreshTokens: Bool

    var tokenURL: String { "http://127.0.0.1:\(self.port)/oauth/token" }
    var requests: [Received] { self.received.withLock { $0 } }

    init(rotatesRefreshTokens: Bool = true) throws {
        self.rotatesRefreshTokens = rotatesRefreshTokens
    }

    func serve<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        let router = Router()
        router.post("oauth/token") { request, context in try await self.token(request, context: context) }
        return try await LoopbackService.serve(router, label: "test-token-endpoint") { port in
            self.bound.withLock { $0 = port }
            return try await body()
        }
    }

    private func token(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 16)
        var form: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        var basic: (String, String)?
        if let header = request.headers[.authorization], header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        {
            basic = (String(decoded[..<colon]).removingPercentEncoding ?? "", String(decoded[decoded.index(after: colon)...]).removingPercentEncoding ?? "")
        }
        self.received.withLock { $0.append(Received(form: form, basic: basic)) }

        let clientId = basic?.0 ?? form["client_id"] ?? ""
        let secret = basic?.1 ?? form["client_secret"] ?? ""
        if clientId == "basic-only" && basic == nil { return Self.error(401, "invalid_client", "Use client_secret_basic.") }
        // A refresh may come from a public client (no secret); a secret, when sent, must be right.
        let publicRefresh = form["grant_type"] == "refresh_token" && basic == nil && form["client_secret"] == nil
        guard [Self.clientId, "basic-only"].contains(clientId), publicRefresh || secret == Self.clientSecret else {
            return Self.error(401, "invalid_client", "Client authentication failed.")
        }
        switch form["grant_type"] {
        case "authorization_code":
            let code = form["code"] ?? ""
            switch code {
            case "good":
                // The registered redirect URI, or the console's callback wherever the test server listens.
                guard form["redirect_uri"] == Self.redirectURI || (form["redirect_uri"] ?? "").hasSuffix("/console/oauth/callback") else {
                    return Self.error(400, "invalid_grant", "redirect_uri mismatch")
                }
                return self.tokens(refresh: true)
            case "bad-code-1234": return Self.error(400, "invalid_grant", "The authorization code \(code) is invalid or expired (client \(Self.clientSecret)).")
            case "unauthorized": return Self.error(400, "unauthorized_client", "This client may not use this grant.")
            case "status-500": return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "oops")))
            case "html":
                var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>login</html>")))
                response.headers[.contentType] = "text/html"
                return response
            case "huge":
                let padding = String(repeating: "x", count: 2 << 20)
                return Self.json(200, "{\"access_token\":\"t\",\"padding\":\"\(padding)\"}")
            case "hang":
                try await Task.sleep(for: .seconds(10))
                return self.tokens(refresh: true)
            case "no-access-token": return Self.json(200, #"{"token_type":"Bearer","expires_in":3600}"#)
            case "redirect":
                var response = Response(status: .found)
                response.headers[.location] = "https://elsewhere.example/token"
                return response
            default: return Self.error(400, "invalid_grant", "Unknown code.")
            }
        case "client_credentials":
            return self.tokens(refresh: false)
        case "refresh_token":
            guard (form["refresh_token"] ?? "").hasPrefix("rt-") else { return Self.error(400, "invalid_grant", "Refresh token revoked.") }
            return self.tokens(refresh: self.rotatesRefreshTokens)
        default:
            return Self.error(400, "unsupported_grant_type", "")
        }
    }

    private func tokens(refresh: Bool) -> Response {
        let n = self.issued.withLock { value in
            value += 1
            return value
        }
        let refreshPart = refresh ? ",\"refresh_token\":\"rt-\(n)\"" : ""
        return Self.json(200, "{\"access_token\":\"at-\(n)\",\"token_type\":\"Bearer\",\"expires_in\":3600\(refreshPart)}")
    }

    private static func error(_ status: Int, _ code: String, _ description: String) -> Response {
        Self.json(status, "{\"error\":\"\(code)\",\"error_description\":\"\(description)\"}")
    }

    private static func json(_ status: Int, _ text: String) -> Response {
        var response = Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "application/json"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
