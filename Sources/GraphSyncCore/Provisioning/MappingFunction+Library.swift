import Foundation

/// Entra's expression functions ("Reference for writing expressions for attribute mappings"), each with its
/// parameters in Entra's order. Not evaluated: `AppRoleAssignmentsComplex` (it needs the app's role objects) and
/// `Replace` with a regular expression; a schema that uses them is refused when it is saved.
extension MappingFunction {
    static let library: [MappingFunction] = textFunctions + testFunctions + listFunctions + dateFunctions + encodingFunctions

    /// Text: Append, Join, Left, Mid, PCase, Replace, StripSpaces, ToLower, ToUpper, Word, InStr, NormalizeDiacritics, CStr.
    static let textFunctions: [MappingFunction] = [
        MappingFunction("Append", 2...2) { a in MappingFunction.text(a[0]).map { .string($0 + (MappingFunction.text(a[1]) ?? "")) } },
        MappingFunction("Join", 2...64) { a in
            let parts = a.dropFirst().flatMap { MappingFunction.values($0) }
            return parts.isEmpty ? nil : .string(parts.joined(separator: MappingFunction.text(a[0]) ?? ""))
        },
        MappingFunction("Left", 2...2) { a in
            guard let source = MappingFunction.text(a[0]), let count = MappingFunction.integer(a[1]), count >= 0 else { return nil }
            return .string(String(source.prefix(count)))
        },
        MappingFunction("Mid", 3...3) { a in
            // 1-based start, as in Entra.
            guard let source = MappingFunction.text(a[0]), let start = MappingFunction.integer(a[1]), let length = MappingFunction.integer(a[2]), start >= 1, length >= 0 else { return nil }
            return .string(String(source.dropFirst(start - 1).prefix(length)))
        },
        MappingFunction("PCase", 1...2) { a in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            let separators = Set(MappingFunction.text(a.count > 1 ? a[1] : nil) ?? " ,-_.")
            var result = "", startOfWord = true
            for character in source {
                result += startOfWord ? character.uppercased() : character.lowercased()
                startOfWord = separators.contains(character)
            }
            return .string(result)
        },
        // Replace(source, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttributeName, template):
        // the plain-text form (oldValue → replacementValue, or replacementAttributeName's value).
        MappingFunction("Replace", 2...7) { a in
            guard let source = MappingFunction.text(a[0]), let old = MappingFunction.text(a[1]), !old.isEmpty else { return MappingFunction.value(a[0]) }
            let replacement = MappingFunction.text(a.count > 5 ? a[5] : nil) ?? MappingFunction.text(a.count > 4 ? a[4] : nil) ?? ""
            return .string(source.replacingOccurrences(of: old, with: replacement))
        },
        MappingFunction("StripSpaces", 1...1) { a in MappingFunction.text(a[0]).map { .string($0.replacingOccurrences(of: " ", with: "")) } },
        MappingFunction("ToLower", 1...2) { a in MappingFunction.text(a[0]).map { .string($0.lowercased()) } },
        MappingFunction("ToUpper", 1...2) { a in MappingFunction.text(a[0]).map { .string($0.uppercased()) } },
        MappingFunction("Word", 3...3) { a in
            guard let source = MappingFunction.text(a[0]), let number = MappingFunction.integer(a[1]), number >= 1 else { return nil }
            let delimiters = Set(MappingFunction.text(a[2]) ?? " ")
            let words = source.split(whereSeparator: { delimiters.contains($0) })
            return number <= words.count ? .string(String(words[number - 1])) : nil
        },
        MappingFunction("InStr", 2...4) { a in
            guard let value = MappingFunction.text(a[0]), let search = MappingFunction.text(a[1]) else { return nil }
            let start = max(1, MappingFunction.integer(a.count > 2 ? a[2] : nil) ?? 1)
            let ignoreCase = (MappingFunction.text(a.count > 3 ? a[3] : nil) ?? "").caseInsensitiveCompare("vbTextCompare") == .orderedSame
            let haystack = value.dropFirst(start - 1)
            guard let range = haystack.range(of: search, options: ignoreCase ? [.caseInsensitive] : []) else { return .number(0) }
            return .number(Double(value.distance(from: value.startIndex, to: range.lowerBound) + 1))
        },
        MappingFunction("NormalizeDiacritics", 1...1) { a in
            MappingFunction.text(a[0]).map { .string($0.folding(options: .diacriticInsensitive, locale: Locale(identifier: "en_US_POSIX"))) }
        },
        MappingFunction("CStr", 1...1) { a in MappingFunction.text(a[0]).map(JSONValue.string) },
    ]

    /// Conditions and choices: Not, Equals (`a = b`), IIF, IsNull, IsNullOrEmpty, IsPresent, IsString, CBool, Coalesce, Switch,
    /// SelectUniqueValue, IgnoreFlowIfNullOrEmpty, SingleAppRoleAssignment.
    static let testFunctions: [MappingFunction] = [
        MappingFunction("Not", 1...1) { a in
            guard case .bool(let flag)? = a[0] else { return MappingFunction.text(a[0]).map { .bool($0.caseInsensitiveCompare("true") != .orderedSame) } }
            return .bool(!flag)
        },
        // `a = b` in Entra's text: both as text, compared exactly; no value equals only no value.
        MappingFunction(MappingFunction.equalsName, 2...2) { a in .bool(MappingFunction.text(a[0]) == MappingFunction.text(a[1])) },
        MappingFunction("IIF", 3...3) { a in MappingFunction.value(MappingFunction.truth(a[0]) ? a[1] : a[2]) },
        MappingFunction("IsNull", 1...1) { a in .bool(a[0] == nil || a[0] == .null) },
        MappingFunction("IsNullOrEmpty", 1...1) { a in .bool(MappingFunction.text(a[0]).map(\.isEmpty) ?? true) },
        MappingFunction("IsPresent", 1...1) { a in .bool(!(MappingFunction.text(a[0]).map(\.isEmpty) ?? true)) },
        MappingFunction("IsString", 1...1) { a in
            if case .string? = a[0] { return .bool(true) }
            return .bool(false)
        },
        MappingFunction("CBool", 1...1) { a in .bool(MappingFunction.truth(a[0])) },
        MappingFunction("Coalesce", 1...64) { a in a.map { MappingFunction.text($0) }.first { $0?.isEmpty == false }?.map(JSONValue.string) },
        MappingFunction("Switch", 2...128) { a in
            let source = MappingFunction.text(a[0])
            var index = 2
            while index + 1 < a.count {
                if let source, MappingFunction.text(a[index]) == source { return MappingFunction.value(a[index + 1]) }
                index += 2
            }
            return MappingFunction.value(a[1])
        },
        // Entra retries with the next rule while the value is taken in the app; GraphSync takes the first with a value.
        MappingFunction("SelectUniqueValue", 1...16) { a in a.first { MappingFunction.text($0)?.isEmpty == false } ?? nil },
        MappingFunction("IgnoreFlowIfNullOrEmpty", 1...1) { a in MappingFunction.text(a[0])?.isEmpty == false ? a[0] : nil },
        // The user's app role for this app, when the source gives it as a value.
        MappingFunction("SingleAppRoleAssignment", 1...1) { a in MappingFunction.values(a[0]).first.map(JSONValue.string) },
    ]

    /// Multi-valued attributes: Count, Item, Split, RemoveDuplicates.
    static let listFunctions: [MappingFunction] = [
        MappingFunction("Count", 1...1) { a in .number(Double(MappingFunction.values(a[0]).count)) },
        MappingFunction("Item", 2...2) { a in
            let items = MappingFunction.values(a[0])
            guard let index = MappingFunction.integer(a[1]), index >= 1, index <= items.count else { return nil }
            return .string(items[index - 1])
        },
        MappingFunction("Split", 2...2) { a in
            guard let source = MappingFunction.text(a[0]), let delimiter = MappingFunction.text(a[1]), !delimiter.isEmpty else { return nil }
            return .array(source.components(separatedBy: delimiter).map(JSONValue.string))
        },
        MappingFunction("RemoveDuplicates", 1...1) { a in
            var seen = Set<String>()
            return .array(MappingFunction.values(a[0]).filter { seen.insert($0).inserted }.map(JSONValue.string))
        },
    ]

    /// Dates: Now, CDate, FormatDateTime, DateAdd, DateDiff, DateFromNum, NumFromDate.
    static let dateFunctions: [MappingFunction] = [
        MappingFunction("Now", 0...0) { _ in .string(GraphDate.format(Date())) },
        MappingFunction("CDate", 1...1) { a in MappingFunction.date(MappingFunction.text(a[0])).map { .string(GraphDate.format($0)) } },
        // FormatDateTime(source, [dateTimeStyles], inputFormat, outputFormat), with .NET's custom format letters.
        MappingFunction("FormatDateTime", 3...4) { a in
            let (input, output) = a.count == 4 ? (MappingFunction.text(a[2]), MappingFunction.text(a[3])) : (MappingFunction.text(a[1]), MappingFunction.text(a[2]))
            guard let source = MappingFunction.text(a[0]), let output,
                let date = input.flatMap({ MappingFunction.formatter(dotNet: $0).date(from: source) }) ?? MappingFunction.date(source)
            else { return nil }
            return .string(MappingFunction.formatter(dotNet: output).string(from: date))
        },
        MappingFunction("DateAdd", 3...3) { a in
            guard let interval = MappingFunction.text(a[0]), let amount = MappingFunction.integer(a[1]), let date = MappingFunction.date(MappingFunction.text(a[2])),
                let component = MappingFunction.calendarComponent(interval)
            else { return nil }
            let (unit, factor) = component
            return MappingFunction.utc.date(byAdding: unit, value: amount * factor, to: date).map { .string(GraphDate.format($0)) }
        },
        MappingFunction("DateDiff", 3...3) { a in
            guard let interval = MappingFunction.text(a[0]), let from = MappingFunction.date(MappingFunction.text(a[1])), let to = MappingFunction.date(MappingFunction.text(a[2])),
                let (unit, factor) = MappingFunction.calendarComponent(interval),
                let difference = MappingFunction.utc.dateComponents([unit], from: from, to: to).value(for: unit)
            else { return nil }
            return .number(Double(difference / factor))
        },
        // Active Directory's file times: 100-nanosecond ticks since 1601-01-01.
        MappingFunction("DateFromNum", 1...1) { a in
            guard let ticks = MappingFunction.text(a[0]).flatMap(Double.init), ticks.isFinite, ticks >= 0 else { return nil }
            return .string(GraphDate.format(Date(timeIntervalSince1970: ticks / 10_000_000 - 11_644_473_600)))
        },
        MappingFunction("NumFromDate", 1...1) { a in
            guard let date = MappingFunction.date(MappingFunction.text(a[0])) else { return nil }
            return .string(String(Int64(((date.timeIntervalSince1970 + 11_644_473_600) * 10_000_000).rounded())))
        },
    ]

    /// Encodings and generated values: ConvertToBase64, ConvertToUTF8Hex, Redact, Guid, RandomString, BitAnd.
    static let encodingFunctions: [MappingFunction] = [
        // Unicode (UTF-16LE) bytes, as Entra encodes them.
        MappingFunction("ConvertToBase64", 1...1) { a in MappingFunction.text(a[0]).map { .string(Data($0.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).base64EncodedString()) } },
        MappingFunction("ConvertToUTF8Hex", 1...1) { a in MappingFunction.text(a[0]).map { .string($0.utf8.map { String(format: "%02x", $0) }.joined()) } },
        MappingFunction("Redact", 1...1) { _ in .string("redact") },
        MappingFunction("Guid", 0...0) { _ in .string(UUID().uuidString.lowercased()) },
        MappingFunction("RandomString", 1...6) { a in
            guard let length = MappingFunction.integer(a[0]), (1...256).contains(length) else { return nil }
            let avoid = Set(MappingFunction.text(a.count > 5 ? a[5] : nil) ?? "")
            let pools = ["0123456789", "!#$%&*+-=?@^_~", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"].map { $0.filter { !avoid.contains($0) } }
            var characters: [Character] = []
            for (index, pool) in pools.enumerated() where !pool.isEmpty {
                let minimum = MappingFunction.integer(a.count > index + 1 ? a[index + 1] : nil) ?? 0
                characters += (0..<max(0, minimum)).compactMap { _ in pool.randomElement() }
            }
            let all = pools.joined()
            guard !all.isEmpty else { return nil }
            while characters.count < length { characters.append(all.randomElement()!) }
            return .string(String(characters.prefix(length).shuffled()))
        },
        MappingFunction("BitAnd", 2...2) { a in
            guard let left = MappingFunction.integer(a[0]), let right = MappingFunction.integer(a[1]) else { return nil }
            return .number(Double(left & right))
        },
    ]

    // MARK: Dates

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// An ISO 8601 date, or Active Directory's generalized time (`20240131123000.0Z`).
    static func date(_ text: String?) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        if let date = GraphDate.parse(text) { return date }
        return MappingFunction.formatter(dotNet: "yyyyMMddHHmmss.fZ").date(from: text)
    }

    /// A formatter for a .NET custom date format (UTC, invariant culture).
    static func formatter(dotNet format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = MappingFunction.icuPattern(dotNet: format)
        return formatter
    }

    /// .NET's format letters in ICU's: `f` → `S`, `tt` → `a`, `K`/`zzz` → `xxx`, `Z` → the letter itMappingFunction.
    static func icuPattern(dotNet format: String) -> String {
        var pattern = format.replacingOccurrences(of: "zzz", with: "xxx").replacingOccurrences(of: "tt", with: "a")
        pattern = pattern.replacingOccurrences(of: "K", with: "xxx").replacingOccurrences(of: "Z", with: "'Z'")
        return pattern.replacingOccurrences(of: "f", with: "S").replacingOccurrences(of: "F", with: "S")
    }

    /// VBA's DateAdd/DateDiff intervals.
    static func calendarComponent(_ interval: String) -> (Calendar.Component, Int)? {
        switch interval.lowercased() {
        case "yyyy": (.year, 1)
        case "q": (.month, 3)
        case "m": (.month, 1)
        case "y", "d", "w": (.day, 1)
        case "ww": (.day, 7)
        case "h": (.hour, 1)
        case "n": (.minute, 1)
        case "s": (.second, 1)
        default: nil
        }
    }
}
