import Foundation
import GraphSyncCore
import Hummingbird
import NIOCore

/// `application/x-www-form-urlencoded` as the authority reads it (token requests, sign-in forms, query strings):
/// at most 64 KiB, `+` as a space, a repeated name refused.
enum FormBody {
    static func read(_ request: Request) async throws -> [String: String] {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw OAuthError(TokenRequestError(
                .invalidRequest, aadsts: 900_561,
                "AADSTS900561: The endpoint only accepts POST requests with Content-Type application/x-www-form-urlencoded."))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: 64 * 1024)
        } catch is NIOTooManyBytesError {
            throw OAuthError(status: .contentTooLarge, error: "invalid_request", description: "AADSTS90015: The request body exceeds 64 KiB.", codes: [90_015])
        }
        return try self.parse(String(buffer: buffer))
    }

    static func parse(_ text: String) throws -> [String: String] {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { self.decode(String($0)) }
            guard let name = parts.first, !name.isEmpty else { continue }
            if form[name] != nil {
                throw OAuthError(TokenRequestError(.invalidRequest, aadsts: 90_015, "AADSTS90015: Requested query string is too long or the parameter '\(name)' is repeated."))
            }
            form[name] = parts.count > 1 ? parts[1] : ""
        }
        return form
    }

    static func decode(_ value: String) -> String {
        value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
    }

    /// `a=b&c=d`, encoded for a query string or a form.
    static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }
}
