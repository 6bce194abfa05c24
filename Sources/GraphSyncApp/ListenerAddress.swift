import Foundation

/// What a `--host` value binds to, as far as exposure goes.
public enum ListenerAddress {
    /// Whether `host` is a loopback address: `localhost`, an IPv4 literal in 127.0.0.0/8 or `::1`. A name is not,
    /// even one that starts with `127.` (`127.example.com` resolves wherever its owner likes).
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if host.lowercased() == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }) {
            return octets[0] == "127"
        }
        return ["::1", "0:0:0:0:0:0:0:1"].contains(host.lowercased())
    }
}
