import Foundation
import Hummingbird

/// The addresses the built-in authority answers on, and so the issuers its tokens may carry:
/// `scheme://host:port/{tenantId}/v2.0` for each host name the listener is reachable by.
///
/// With a public URL (`--public-url`, the address clients use, such as a load balancer's), that URL is the only base
/// GraphSync shows: the issuer of every token, discovery documents and `@odata.nextLink`s all name it, whichever node
/// or host name a request reached, so several nodes present one authority.
public struct AuthorityEndpoints: Sendable {
    public let scheme: String
    public let tenantId: String
    /// `host:port` values, the first being the canonical one.
    public let authorities: [String]
    /// `scheme://host[:port]` clients use, when configured.
    public let publicBase: String?

    public init(scheme: String, host: String, port: Int, tenantId: String, extraAuthorities: [String] = [], publicURL: String? = nil) {
        self.scheme = scheme
        self.tenantId = tenantId
        self.publicBase = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
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
        if let publicBase = self.publicBase { return publicBase }
        let requested = request.head.authority?.lowercased()
        let authority = requested.flatMap { host in self.authorities.first { $0.lowercased() == host } } ?? self.authorities[0]
        return "\(self.scheme)://\(authority)"
    }

    /// Every base URL clients may use: the public URL alone when one is set, else each of the listener's names.
    public var baseURLs: [String] {
        if let publicBase = self.publicBase { return [publicBase] }
        return self.authorities.map { "\(self.scheme)://\($0)" }
    }

    public func issuer(for request: Request) -> String { "\(self.baseURL(for: request))/\(self.tenantId)/v2.0" }

    /// The issuer of tokens minted outside a request (the CLI): the public URL's, else the canonical name's.
    public var canonicalIssuer: String { "\(self.publicBase ?? "\(self.scheme)://\(self.authorities[0])")/\(self.tenantId)/v2.0" }

    /// Whether `issuer` is one of ours.
    public func isLocalIssuer(_ issuer: String) -> Bool {
        if let publicBase = self.publicBase, "\(publicBase)/\(self.tenantId)/v2.0".caseInsensitiveCompare(issuer) == .orderedSame { return true }
        return self.authorities.contains { "\(self.scheme)://\($0)/\(self.tenantId)/v2.0".caseInsensitiveCompare(issuer) == .orderedSame }
    }

    static func bracketed(_ host: String) -> String { host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host }
}
