import Foundation
import Hummingbird

/// A request's query string as Graph reads it: names and values percent-decoded once (RFC 3986, UTF-8), `+` as a
/// space (what form encoders such as Go's `url.Values` and Python's `urlencode` send), so `?%24filter=a+eq+%27b%27` is
/// `$filter=a eq 'b'`. System query options (`$…`) are matched case-insensitively; one that Graph does not define, or
/// one given twice, is a 400, never ignored.
struct QueryOptions: Sendable {
    /// Decoded (name, value) pairs in request order.
    var pairs: [(name: String, value: String)] = []

    static let systemOptions: Set<String> = [
        "$filter", "$top", "$skiptoken", "$select", "$count", "$format", "$orderby", "$expand", "$search", "$skip", "$apply", "$compute",
        "$deltatoken", "$levels",
    ]

    init(_ request: Request) throws {
        try self.init(query: request.uri.query ?? "")
    }

    init(query: String) throws {
        var seen = Set<String>()
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0], what: "name")
            let value = parts.count > 1 ? try Self.decode(parts[1], what: "value of '\(name)'") : ""
            guard name.hasPrefix("$") else {
                self.pairs.append((name, value))
                continue
            }
            let option = name.lowercased()
            guard Self.systemOptions.contains(option) else {
                throw GraphError.badRequest("Query option '\(name)' is not supported. Graph's system query options are \(Self.systemOptions.sorted().joined(separator: ", ")).", code: "BadRequest")
            }
            guard seen.insert(option).inserted else {
                throw GraphError.badRequest("Query option '\(name)' was specified more than once, but it must be specified at most once.", code: "BadRequest")
            }
            self.pairs.append((option, value))
        }
    }

    /// The decoded value of a system option (`$top`…), if given.
    subscript(option: String) -> String? { self.pairs.first { $0.name == option }?.value }

    /// Percent-decodes one query component, `+` as a space; a malformed escape or invalid UTF-8 is a 400.
    static func decode(_ component: Substring, what: String) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                    throw GraphError.badRequest("The query string's \(what) has a malformed percent-encoding.", code: "BadRequest")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw GraphError.badRequest("The query string's \(what) is not valid UTF-8 once decoded.", code: "BadRequest")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
