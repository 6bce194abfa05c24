import Foundation
import GraphSyncCore
import NIOPosix

/// The SSRF guard for calls to user-supplied URLs: https only, and no loopback, private, link-local (cloud metadata),
/// unspecified or multicast addresses unless the operator allowed loopback or private destinations
/// (`--allow-token-urls-to`), which then may also use plain http. Link-local and metadata addresses are never allowed.
public struct OutboundDestinationPolicy: Sendable {
    public enum AddressClass: String, Sendable, CaseIterable {
        case publicAddress = "public", loopback, privateNetwork = "private", linkLocal = "link-local", unspecified, reserved
    }

    /// Address classes the operator opened up (`.loopback`, `.privateNetwork`).
    public var allowed: Set<AddressClass>

    public init(allowed: Set<AddressClass> = []) {
        self.allowed = allowed.intersection([.loopback, .privateNetwork])
    }

    /// Resolves `urlString`'s host and checks every address; returns the URL to call.
    public func check(_ urlString: String) async throws(TokenEndpointError) -> URL {
        guard let url = URL(string: urlString), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .destinationRefused("'\(urlString)' is not an absolute URL.")
        }
        guard scheme == "https" || scheme == "http" else { throw .destinationRefused("Only https URLs may be called, not \(scheme).") }
        guard url.user == nil, url.password == nil else { throw .destinationRefused("URLs with user information are not allowed.") }
        let addresses: [[UInt8]]
        do { addresses = try await Self.resolve(host) } catch { throw .badGateway("The host \(host) could not be resolved.") }
        guard !addresses.isEmpty else { throw .badGateway("The host \(host) could not be resolved.") }
        let classes = Set(addresses.map(Self.classify))
        for addressClass in classes where addressClass != .publicAddress && !self.allowed.contains(addressClass) {
            throw .destinationRefused(
                "\(host) resolves to a \(addressClass.rawValue) address, which GraphSync does not call\(addressClass == .loopback || addressClass == .privateNetwork ? " unless started with --allow-token-urls-to \(addressClass.rawValue)" : "").")
        }
        if scheme == "http" && classes.contains(.publicAddress) {
            throw .destinationRefused("The URL must use https; plain http is only allowed to loopback or private addresses the operator allowed.")
        }
        if scheme == "http" && classes.isEmpty { throw .destinationRefused("The URL must use https.") }
        return url
    }

    /// Classifies a 4- or 16-byte address.
    public static func classify(_ bytes: [UInt8]) -> AddressClass {
        if bytes.count == 16 {
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return self.classify(Array(bytes[12...])) }
            if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
            if bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80 { return .linkLocal }
            if bytes == [0xFD, 0x00, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54] { return .linkLocal }  // fd00:ec2::254 (metadata)
            if (bytes[0] & 0xFE) == 0xFC { return .privateNetwork }
            if bytes[0] == 0xFF { return .reserved }
            return .publicAddress
        }
        guard bytes.count == 4 else { return .reserved }
        switch (bytes[0], bytes[1]) {
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (10, _), (172, 16...31), (192, 168): return .privateNetwork
        case (100, 64...127): return .privateNetwork
        case (169, 254): return .linkLocal
        case (224...255, _): return .reserved
        default: return .publicAddress
        }
    }

    /// Every address `host` resolves to (getaddrinfo on NIO's blocking-IO pool).
    static func resolve(_ host: String) async throws -> [[UInt8]] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [[UInt8]] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
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

#if canImport(Glibc)
import Glibc
#endif
