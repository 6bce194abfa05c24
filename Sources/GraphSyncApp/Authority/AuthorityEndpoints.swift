import Foundation
import Hummingbird

/// The addresses the built-in authority answers on, and so the issuers its tokens may carry:
/// `scheme://host:port/{tenantId}/v2.0` for each host name the listener is reachable by.
public struct AuthorityEndpoints: Sendable {
    public let scheme: String
    public let tenantId: String
    /// `host:port` values, the first being the canonical one.
    public let authorities: [String]

    public init(scheme: String, host: String, port: Int, tenantId: String, extraAuthorities: [String] = []) {
        self.scheme = scheme
        self.tenantId = tenantId
        var names = [Self.bracketed(host)]
        if ["127.0.0.1", "localhost", "::1", "0.0.0.0", "::"].contains(host) { names += ["127.0.0.1", "localhost", "[::1]"] }
        var authorities: [String] = []
        for name in names where name != "0.0.0.0" && name != "[::]" {
            let authority = "\(name):\(port)"
            if !authorities.contains(authority) { authorities.append(authority) }
        }
        self.authorities = authorities + extraAuthorities.filter { !authorities.contains($0) }
    }

    /// `https://host:port`, as the client addressed us when that is one of our names, else the canonical one.
    public func baseURL(for request: Request) -> String {
        let requested = request.head.authority?.lowercased()
        let authority = requested.flatMap { host in self.authorities.first { $0.lowercased() == host } } ?? self.authorities[0]
        return "\(self.scheme)://\(authority)"
    }

    public func issuer(for request: Request) -> String { "\(self.baseURL(for: request))/\(self.tenantId)/v2.0" }

    /// Whether `issuer` is one of ours.
    public func isLocalIssuer(_ issuer: String) -> Bool {
        self.authorities.contains { "\(self.scheme)://\($0)/\(self.tenantId)/v2.0".caseInsensitiveCompare(issuer) == .orderedSame }
    }

    static func bracketed(_ host: String) -> String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }
}
