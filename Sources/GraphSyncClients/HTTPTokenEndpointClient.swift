import AsyncHTTPClient
import Foundation
import GraphSyncCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// Calls applications' OAuth token endpoints over the shared AsyncHTTPClient: SSRF-guarded, no redirects,
/// a timeout, and answers cut off at 1 MiB. Secrets are never logged.
public struct HTTPTokenEndpointClient: TokenEndpointClient {
    let httpClient: HTTPClient
    let policy: OutboundDestinationPolicy
    let timeout: TimeAmount
    let maximumResponseBytes: Int
    let logger: Logger

    public init(
        httpClient: HTTPClient, policy: OutboundDestinationPolicy, timeout: TimeAmount = .seconds(10), maximumResponseBytes: Int = 1 << 20,
        logger: Logger
    ) {
        self.httpClient = httpClient
        self.policy = policy
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.logger = logger
    }

    public func requestToken(_ request: TokenEndpointRequest) async throws(TokenEndpointError) -> TokenEndpointResponse {
        let url = try await self.policy.check(request.tokenURL)
        var http = HTTPClientRequest(url: url.absoluteString)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: "GraphSync")
        var form: [(String, String)] = [("grant_type", request.grant.name)]
        switch request.grant {
        case .authorizationCode(let code, let redirectURI, let verifier):
            form.append(("code", code))
            if let redirectURI { form.append(("redirect_uri", redirectURI)) }
            if let verifier { form.append(("code_verifier", verifier)) }
        case .clientCredentials(let scope):
            if let scope { form.append(("scope", scope)) }
        case .refreshToken(let token):
            form.append(("refresh_token", token))
        }
        switch request.authentication {
        case .post:
            form.append(("client_id", request.clientId))
            if let secret = request.clientSecret { form.append(("client_secret", secret)) }
        case .basic:
            let credentials = "\(FormEncoding.encode(request.clientId)):\(FormEncoding.encode(request.clientSecret ?? ""))"
            http.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        http.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))

        let started = ContinuousClock.now
        let (status, body) = try await self.send(http, host: url.host ?? "")
        self.logger.info(
            "token endpoint answered",
            metadata: ["host": "\(url.host ?? "")", "grant": "\(request.grant.name)", "auth": "\(request.authentication.rawValue)",
                       "status": "\(status)", "elapsed": "\(ContinuousClock.now - started)"])
        return try Self.parse(status: status, body: body)
    }

    private func send(_ request: HTTPClientRequest, host: String) async throws(TokenEndpointError) -> (Int, ByteBuffer) {
        do {
            let response = try await self.httpClient.execute(request, timeout: self.timeout)
            let body = try await response.body.collect(upTo: self.maximumResponseBytes)
            return (Int(response.status.code), body)
        } catch is NIOTooManyBytesError {
            throw .badGateway("The token endpoint's answer exceeded \(self.maximumResponseBytes / 1024) KiB and was cut off.")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout(seconds: Int(self.timeout.nanoseconds / 1_000_000_000))
        } catch let error as NIOSSLError {
            throw .badGateway("TLS with \(host) failed: \(error).")
        } catch let error as BoringSSLError {
            throw .badGateway("TLS with \(host) failed (certificate not trusted?): \(error).")
        } catch {
            throw .badGateway("The token endpoint at \(host) could not be reached (\(Self.reason(error)))")
        }
    }

    /// A short, stable description of a connection failure, without NIO internals.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("refused") { return "connection refused" }
        if text.contains("unreachable") { return "host unreachable" }
        if text.contains("reset") { return "connection reset" }
        if text.contains("resolv") || text.contains("nodename") { return "name not resolved" }
        if text.contains("closed") { return "connection closed" }
        return "network error"
    }

    /// RFC 6749 §5.1 (success) and §5.2 (error) responses.
    static func parse(status: Int, body: ByteBuffer) throws(TokenEndpointError) -> TokenEndpointResponse {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        if (200..<300).contains(status) {
            guard let object else { throw .badGateway("The token endpoint answered \(status) with a body that is not a JSON object.") }
            guard let accessToken = object["access_token"] as? String, !accessToken.isEmpty else {
                throw .badGateway("The token endpoint answered \(status) without an access_token.")
            }
            let expiresIn = (object["expires_in"] as? Int) ?? (object["expires_in"] as? String).flatMap(Int.init)
            return TokenEndpointResponse(
                accessToken: accessToken, refreshToken: (object["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                expiresIn: expiresIn, tokenType: object["token_type"] as? String)
        }
        if (300..<400).contains(status) { throw .badGateway("The token endpoint answered with a \(status) redirect, which is not followed.") }
        if (400..<500).contains(status), let error = object?["error"] as? String {
            throw .oauth(status: status, error: error, description: object?["error_description"] as? String)
        }
        throw .badGateway("The token endpoint answered HTTP \(status)\((500..<600).contains(status) ? "" : " without an OAuth error").")
    }
}

/// `application/x-www-form-urlencoded` encoding (WHATWG URL, as RFC 6749 Appendix B asks), byte by byte:
/// Foundation's percent-encoding bridges through UTF-16 and dominated this path in profiles.
enum FormEncoding {
    static func encode(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                bytes.append(byte)
            case UInt8(ascii: " "):
                bytes.append(UInt8(ascii: "+"))
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }
}
