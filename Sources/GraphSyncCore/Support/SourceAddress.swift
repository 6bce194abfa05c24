import Foundation

/// Where a request came from, as the sign-in throttles count it: the connection's peer address. An IPv6 address counts
/// by its /64 (one subscriber's usual allocation, so a host cannot dodge a limit by changing its interface id), an
/// IPv4-mapped one as the IPv4 address. Behind a reverse proxy every request comes from the proxy; GraphSync does not
/// read `X-Forwarded-For` (a client could write anything there).
public struct SourceAddress: Hashable, Sendable, CustomStringConvertible {
    /// The throttles' key.
    public let key: String

    public init(ip: String?) {
        guard let ip, !ip.isEmpty else {
            self.key = "unknown"
            return
        }
        self.key = Self.key(ip)
    }

    /// The administrator's own commands (`graphsync token`), which no one else can send.
    public static let commandLine = SourceAddress(key: "command-line")

    private init(key: String) { self.key = key }

    public var description: String { self.key }

    static func key(_ ip: String) -> String {
        let address = String(ip.lowercased().split(separator: "%", maxSplits: 1).first ?? "")
        guard address.contains(":") else { return address }
        if address.hasPrefix("::ffff:"), address.contains(".") { return String(address.dropFirst(7)) }
        guard let groups = Self.groups(address) else { return address }
        return groups.prefix(4).map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// The eight 16-bit groups of an IPv6 address in text (`::` expanded), or nil when it is not one.
    static func groups(_ address: String) -> [UInt16]? {
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ text: String) -> [UInt16]? {
            guard !text.isEmpty else { return [] }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { UInt16($0, radix: 16) }
            return parts.contains(nil) ? nil : parts.compactMap { $0 }
        }
        guard let head = parse(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = parse(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
