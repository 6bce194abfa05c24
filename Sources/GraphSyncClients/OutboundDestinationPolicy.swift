import Foundation
import GraphSyncCore
import NIOPosix

/// The SSRF guard for calls to user-supplied URLs: https only, and no loopback, private, link-local (cloud metadata),
/// unspecified, multicast or otherwise special addresses unless the operator allowed loopback or private destinations
/// (`--allow-token-urls-to`), which then may also use plain http. Link-local, metadata and reserved addresses are
/// never allowed.
///
/// The verdict names the addresses that were vetted: `OutboundClient` connects to one of exactly those, so a name
/// that resolves differently a moment later (DNS rebinding) cannot redirect the connection.
public struct OutboundDestinationPolicy: Sendable {
    public enum AddressClass: String, Sendable, CaseIterable {
        case publicAddress = "public", loopback, privateNetwork = "private", linkLocal = "link-local", unspecified, reserved
    }

    /// A URL that may be called, and the vetted addresses of its host.
    public struct Destination: Sendable {
        public var url: URL
        /// The host as written in the URL (without IPv6 brackets).
        public var host: String
        /// Every address the host resolved to, as text (`203.0.113.7`, `2001:db8::1`); all of them passed.
        public var addresses: [String]
        /// The host is an IP literal, so there was nothing to resolve.
        public var isLiteral: Bool
        /// `scheme://host:port`, the host exactly as written: connections are pooled and pinned per origin, and the
        /// HTTP client's DNS override matches the host as written.
        public var origin: String
    }

    /// Resolves a host name to its 4- or 16-byte addresses.
    public typealias Resolver = @Sendable (String) async throws -> [[UInt8]]

    /// Address classes the operator opened up (`.loopback`, `.privateNetwork`).
    public var allowed: Set<AddressClass>
    let resolver: Resolver

    public init(allowed: Set<AddressClass> = [], resolver: @escaping Resolver = OutboundDestinationPolicy.resolve) {
        self.allowed = allowed.intersection([.loopback, .privateNetwork])
        self.resolver = resolver
    }

    /// Resolves `urlString`'s host once and checks every address.
    public func vet(_ urlString: String) async throws(OutboundError) -> Destination {
        guard let url = URL(string: urlString), let scheme = url.scheme?.lowercased(), let rawHost = url.host,
            !rawHost.isEmpty
        else {
            throw .refused("'\(urlString.prefix(200))' is not an absolute URL.")
        }
        guard scheme == "https" || scheme == "http" else { throw .refused("Only https URLs may be called, not \(scheme).") }
        guard url.user == nil, url.password == nil else { throw .refused("URLs with user information are not allowed.") }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let literal = IPAddressText.parse(host)
        let resolved: [[UInt8]]
        if let literal {
            resolved = [literal]
        } else {
            do { resolved = try await self.resolver(host) } catch { throw .unresolvable(host) }
        }
        guard !resolved.isEmpty else { throw .unresolvable(host) }
        let classes = Set(resolved.map(Self.classify))
        for addressClass in classes where addressClass != .publicAddress && !self.allowed.contains(addressClass) {
            let hint = addressClass == .loopback || addressClass == .privateNetwork ? " unless started with --allow-token-urls-to \(addressClass.rawValue)" : ""
            throw .refused("\(host) resolves to a \(addressClass.rawValue) address, which GraphSync does not call\(hint).")
        }
        if scheme == "http" && classes.contains(.publicAddress) {
            throw .refused("The URL must use https; plain http is only allowed to loopback or private addresses the operator allowed.")
        }
        return Destination(
            url: url, host: host, addresses: resolved.map(IPAddressText.format), isLiteral: literal != nil, origin: Self.origin(of: url) ?? "")
    }

    /// `scheme://host:port` of a URL (scheme lowercased, host as written, default port filled in), or nil when it has
    /// no scheme or host.
    public static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), var host = url.host, !host.isEmpty else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return "\(scheme)://\(host):\(url.port ?? (scheme == "https" ? 443 : 80))"
    }

    /// Classifies a 4- or 16-byte address.
    public static func classify(_ bytes: [UInt8]) -> AddressClass {
        if bytes.count == 16 { return self.classifyIPv6(bytes) }
        guard bytes.count == 4 else { return .reserved }
        switch (bytes[0], bytes[1], bytes[2]) {
        case (0, _, _): return .unspecified
        case (127, _, _): return .loopback
        case (10, _, _), (172, 16...31, _), (192, 168, _): return .privateNetwork
        case (100, 64...127, _): return .privateNetwork  // carrier-grade NAT (RFC 6598)
        case (169, 254, _): return .linkLocal
        case (192, 0, 0), (192, 0, 2), (192, 88, 99), (198, 18...19, _), (198, 51, 100), (203, 0, 113): return .reserved
        case (224...255, _, _): return .reserved  // multicast, 240.0.0.0/4, broadcast
        default: return .publicAddress
        }
    }

    private static func classifyIPv6(_ bytes: [UInt8]) -> AddressClass {
        let prefixZero = bytes[0..<10].allSatisfy { $0 == 0 }
        if prefixZero && bytes[10] == 0xFF && bytes[11] == 0xFF { return self.classify(Array(bytes[12...])) }  // ::ffff:a.b.c.d
        if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
        if prefixZero && bytes[10] == 0 && bytes[11] == 0 { return .reserved }  // ::a.b.c.d (IPv4-compatible, deprecated)
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return .reserved }  // 64:ff9b::/96 NAT64
        if bytes[0..<6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return .reserved }  // 64:ff9b:1::/48 local NAT64
        if bytes[0..<8] == [0x01, 0, 0, 0, 0, 0, 0, 0] { return .reserved }  // 100::/64 discard
        if bytes[0..<4] == [0x20, 0x01, 0x00, 0x00] || bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return .reserved }  // Teredo, documentation
        if bytes[0] == 0x20 && bytes[1] == 0x02 {  // 2002::/16 6to4 carries an IPv4 address
            let embedded = self.classify(Array(bytes[2..<6]))
            return embedded == .publicAddress ? .publicAddress : .reserved
        }
        if bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80 { return .linkLocal }
        if bytes == [0xFD, 0x00, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54] { return .linkLocal }  // fd00:ec2::254 (metadata)
        if bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0xC0 { return .privateNetwork }  // fec0::/10 site-local (deprecated)
        if (bytes[0] & 0xFE) == 0xFC { return .privateNetwork }
        if bytes[0] == 0xFF { return .reserved }  // multicast
        return .publicAddress
    }

    /// Every address `host` resolves to (getaddrinfo on NIO's blocking-IO pool).
    @Sendable public static func resolve(_ host: String) async throws -> [[UInt8]] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [[UInt8]] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor, addresses.count < 64 {
                if let address = entry.pointee.ai_addr {
                    switch Int32(address.pointee.sa_family) {
                    case AF_INET:
                        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                            addresses.append(withUnsafeBytes(of: ipv4.pointee.sin_addr) { Array($0) })
                        }
                    case AF_INET6:
                        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                            addresses.append(withUnsafeBytes(of: ipv6.pointee.sin6_addr) { Array($0) })
                        }
                    default: break
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }
}

/// IP addresses as text and back (inet_pton / inet_ntop).
enum IPAddressText {
    /// The 4 or 16 bytes of an IPv4 or IPv6 literal; nil for a name.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(cString: buffer) : ""
    }
}

#if canImport(Glibc)
import Glibc
#endif
