/// Literal (ordinal) search of UTF-8 text in linear time (Knuth–Morris–Pratt), for the mapping functions that search:
/// Foundation's `range(of:)`, `replacingOccurrences` and `components(separatedBy:)` compare naively, so a long text
/// and a long needle made one call take tens of seconds. Matches fall on whole scalars (UTF-8 is self-synchronizing),
/// as .NET's ordinal search does.
struct TextSearch {
    let needle: [UInt8]
    /// The KMP failure function: for each prefix of the needle, the length of its longest proper border.
    private let borders: [Int]

    /// nil for an empty needle.
    init?(_ needle: String) {
        guard !needle.isEmpty else { return nil }
        self.needle = Array(needle.utf8)
        var borders = [Int](repeating: 0, count: self.needle.count)
        var length = 0
        for index in 1..<max(1, self.needle.count) {
            while length > 0 && self.needle[index] != self.needle[length] { length = borders[length - 1] }
            if self.needle[index] == self.needle[length] { length += 1 }
            borders[index] = length
        }
        self.borders = borders
    }

    /// Byte offsets of the non-overlapping matches in `haystack`, left to right, from byte `start` on.
    func matches(in haystack: [UInt8], from start: Int = 0, first: Bool = false) -> [Int] {
        var found: [Int] = []
        var matched = 0
        var index = max(0, start)
        while index < haystack.count {
            while matched > 0 && haystack[index] != self.needle[matched] { matched = self.borders[matched - 1] }
            if haystack[index] == self.needle[matched] { matched += 1 }
            if matched == self.needle.count {
                found.append(index + 1 - matched)
                if first { return found }
                matched = 0  // non-overlapping: start afresh after the match
            }
            index += 1
        }
        return found
    }

    /// The pieces of `text` between the matches (as `components(separatedBy:)`), at most `limit` of them, or nil past it.
    func split(_ text: String, limit: Int) -> [String]? {
        let bytes = Array(text.utf8)
        var pieces: [String] = []
        var from = 0
        for match in self.matches(in: bytes) {
            pieces.append(String(decoding: bytes[from..<match], as: UTF8.self))
            from = match + self.needle.count
            if pieces.count >= limit { return nil }
        }
        pieces.append(String(decoding: bytes[from...], as: UTF8.self))
        return pieces
    }

    /// `text` with every match replaced by `replacement`.
    func replace(in text: String, with replacement: String) -> String {
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var from = 0
        for match in self.matches(in: bytes) {
            result += bytes[from..<match]
            result += replacement.utf8
            from = match + self.needle.count
        }
        result += bytes[from...]
        return String(decoding: result, as: UTF8.self)
    }
}
