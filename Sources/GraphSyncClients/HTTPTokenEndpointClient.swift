import AsyncHTTPClient
import Foundation
import GraphSyncCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Calls applications' OAuth token endpoints through the pinned, deadline-bound `OutboundClient`: no redirects, one
/// timeout for the whole exchange, and answers cut off at 1 MiB. Secrets are never logged.
public struct HTTPTokenEndpointClient: TokenEndpointClient {
    let outbound: OutboundClient
    let timeout: Duration
    let maximumResponseBytes: Int
    let logger: Logger

    public init(outbound: OutboundClient, timeout: Duration = .seconds(10), maximumResponseBytes: Int = 1 << 20, logger: Logger) {
        self.outbound = outbound
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.logger = logger
    }

    public func requestToken(_ request: TokenEndpointRequest) async throws(TokenEndpointError) -> TokenEndpointResponse {
        var http = HTTPClientRequest(url: request.tokenURL)
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
        case .assertion:
            form.append(("client_id", request.clientId))
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", request.clientAssertion ?? ""))
        case .basic:
            let credentials = "\(FormEncoding.encode(request.clientId)):\(FormEncoding.encode(request.clientSecret ?? ""))"
            http.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        http.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))

        let started = ContinuousClock.now
        let host = URL(string: request.tokenURL)?.host ?? ""
        let response: OutboundResponse
        do {
            response = try await self.outbound.send(http, timeout: self.timeout, maximumBytes: self.maximumResponseBytes)
        } catch {
            Telemetry.tokenExchange(grant: request.grant.name, outcome: "unreachable")
            throw Self.tokenError(error, host: host, timeout: self.timeout, limit: self.maximumResponseBytes)
        }
        self.logger.info(
            "token endpoint answered",
            metadata: ["host": "\(host)", "grant": "\(request.grant.name)", "auth": "\(request.authentication.rawValue)",
                       "status": "\(response.status)", "elapsed": "\(ContinuousClock.now - started)"])
        do {
            let parsed = try Self.parse(status: response.status, body: response.body)
            Telemetry.tokenExchange(grant: request.grant.name, outcome: "success")
            return parsed
        } catch {
            Telemetry.tokenExchange(grant: request.grant.name, outcome: "rejected")
            throw error
        }
    }

    static func tokenError(_ error: OutboundError, host: String, timeout: Duration, limit: Int) -> TokenEndpointError {
        switch error {
        case .refused(let reason): .destinationRefused(reason)
        case .unresolvable(let host): .badGateway("The host \(host) could not be resolved.")
        case .timeout: .timeout(seconds: Int(timeout.components.seconds))
        case .tooLarge: .badGateway("The token endpoint's answer exceeded \(limit / 1024) KiB and was cut off.")
        case .tls(let reason): .badGateway(reason)
        case .network(let reason): .badGateway("The token endpoint at \(host) could not be reached (\(reason))")
        }
    }

    /// RFC 6749 §5.1 (success) and §5.2 (error) responses.
    static func parse(status: Int, body: ByteBuffer) throws(TokenEndpointError) -> TokenEndpointResponse {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        if (200..<300).contains(status) {
            guard let object else { throw .badGateway("The token endpoint answered \(status) with a body that is not a JSON object.") }
            guard let accessToken = object["access_token"] as? String, !accessToken.isEmpty else {
                throw .badGateway("The token endpoint answered \(status) without an access_token.")
            }
            // Any number or numeric string; absurd values are clamped (a day's worth of years is plenty), never trusted.
            let rawExpiry = (object["expires_in"] as? NSNumber)?.doubleValue ?? (object["expires_in"] as? String).flatMap(Double.init)
            let expiresIn = rawExpiry.flatMap { $0.isFinite ? Int(min(max($0, 0), 10 * 365 * 86_400)) : nil }
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
