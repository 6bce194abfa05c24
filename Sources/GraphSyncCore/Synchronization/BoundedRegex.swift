import Foundation

/// Regular expressions from schemas (scoping filters' `REGEX MATCH`), which a caller controls: checked at schema PUT
/// for the shapes that backtrack catastrophically, and evaluated under a time budget, so no pattern can stall a node.
public enum BoundedRegex {
    /// Longest pattern accepted.
    public static let maximumPatternLength = 512
    /// Longest value matched; longer values are cut (directory attributes are far shorter).
    public static let maximumInputLength = 4096

    /// Why a pattern is refused, or nil: it must compile, be short, and have no quantified group that itself contains
    /// a quantifier or an alternation (`(a+)+`, `(a|a)*`), no backreference, and none of the constructs that would hide
    /// its structure from that check (`\Q…\E` quoting, `(?#…)` comments, the `x` free-spacing flag).
    public static func problem(in pattern: String) -> String? {
        guard pattern.count <= self.maximumPatternLength else { return "is longer than \(self.maximumPatternLength) characters" }
        guard (try? NSRegularExpression(pattern: pattern)) != nil else { return "is not a valid regular expression" }
        if pattern.contains("\\Q") || pattern.contains("(?#") || Self.setsFreeSpacing(pattern) {
            return "uses \\Q…\\E quoting, a (?#…) comment or the x flag, which GraphSync does not accept in scoping filters"
        }
        return self.backtrackingHazard(pattern)
    }

    /// Whether `value` matches, or nil when the budget ran out first. Patterns are compiled once and kept.
    public static func matches(_ pattern: String, _ value: String, budget: TimeInterval = 0.02) -> Bool? {
        guard let regex = self.compiled(pattern) else { return false }
        let text = String(value.prefix(self.maximumInputLength))
        let started = Date()
        var found = false
        var exhausted = false
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { match, _, stop in
            if match != nil {
                found = true
                stop.pointee = true
            } else if Date().timeIntervalSince(started) > budget {
                exhausted = true
                stop.pointee = true
            }
        }
        return exhausted && !found ? nil : found
    }

    private static let cache = ExpiringCache<String, CompiledPattern>(capacity: 256)

    /// An ICU pattern, immutable once compiled, so safe to share between threads.
    private struct CompiledPattern: @unchecked Sendable {
        let regex: NSRegularExpression
    }

    private static func compiled(_ pattern: String) -> NSRegularExpression? {
        if let cached = self.cache.value(for: pattern) { return cached.regex }
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.cache.store(CompiledPattern(regex: regex), for: pattern, expires: Date().addingTimeInterval(3600))
        return regex
    }

    /// Whether an inline flag group turns on free-spacing mode (`(?x)`, `(?ix:…)`), where `#` starts a comment.
    static func setsFreeSpacing(_ pattern: String) -> Bool {
        var rest = pattern[...]
        while let start = rest.range(of: "(?") {
            let flags = rest[start.upperBound...].prefix { $0.isLetter || $0 == "-" }
            if flags.prefix { $0 != "-" }.contains("x") { return true }
            rest = rest[start.upperBound...]
        }
        return false
    }

    /// Finds nested quantifiers, quantified alternations and backreferences by scanning the pattern's structure.
    static func backtrackingHazard(_ pattern: String) -> String? {
        struct Group { var hasQuantifier = false, hasAlternation = false }
        var stack = [Group()]
        var characters = Array(pattern)[...]
        var lastClosed: Group?
        while let character = characters.popFirst() {
            var closed: Group?
            switch character {
            case "\\":
                guard let escaped = characters.popFirst() else { break }
                if escaped.isNumber && escaped != "0" || escaped == "k" { return "uses a backreference" }
            case "[":
                // A character class: skip to its closing bracket (a leading `]` or `^]` is literal).
                if characters.first == "^" { characters.removeFirst() }
                if characters.first == "]" { characters.removeFirst() }
                while let member = characters.popFirst(), member != "]" {
                    if member == "\\" { _ = characters.popFirst() }
                }
            case "(":
                stack.append(Group())
                if characters.first == "?" { self.skipGroupModifier(&characters) }
            case ")":
                if stack.count > 1 { closed = stack.removeLast() }
            case "|":
                stack[stack.count - 1].hasAlternation = true
            case "*", "+", "?", "{":
                if character == "{" {
                    // `{n}` repeats a fixed number of times; `{n,}` and `{n,m}` vary like `*`.
                    var body = ""
                    while let next = characters.first, next != "}" { body.append(characters.removeFirst()) }
                    _ = characters.popFirst()
                    guard body.contains(",") else { break }
                }
                if let group = lastClosed, group.hasQuantifier || group.hasAlternation {
                    return group.hasQuantifier
                        ? "repeats a group that itself repeats (nested quantifiers such as (a+)+ backtrack catastrophically)"
                        : "repeats a group with alternatives (such as (a|ab)*, which backtracks catastrophically)"
                }
                stack[stack.count - 1].hasQuantifier = true
                // A lazy or possessive suffix belongs to this quantifier.
                if let next = characters.first, next == "?" || next == "+" { characters.removeFirst() }
            default:
                break
            }
            // A closed group is what a quantifier right after it applies to; its contents count for the enclosing group.
            if let closed {
                stack[stack.count - 1].hasQuantifier = stack[stack.count - 1].hasQuantifier || closed.hasQuantifier
                lastClosed = closed
            } else {
                lastClosed = nil
            }
        }
        return nil
    }

    /// Consumes the `?…` after `(`: `?:`, `?=`, `?!`, `?<=`, `?<!`, `?<name>`, `?i:` and inline flags such as `?i`.
    private static func skipGroupModifier(_ characters: inout ArraySlice<Character>) {
        characters.removeFirst()
        if characters.first == "<", let after = characters.dropFirst().first, after == "=" || after == "!" {
            characters.removeFirst(2)
            return
        }
        if characters.first == "<" || characters.first == "'" {
            let close: Character = characters.first == "<" ? ">" : "'"
            characters.removeFirst()
            while let next = characters.popFirst(), next != close {}
            return
        }
        while let next = characters.first, next.isLetter || next == "-" { characters.removeFirst() }
        if let next = characters.first, [":", "=", "!", ">"].contains(next) { characters.removeFirst() }
    }
}
