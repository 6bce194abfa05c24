import Foundation

/// Entra's expression functions ("Reference for writing expressions for attribute mappings"), each with its
/// parameters in Entra's order. Not evaluated: `AppRoleAssignmentsComplex` (it needs the app's role objects) and
/// `Replace` with a regular expression; a schema that uses them is refused when it is saved.
extension MappingFunction {
    static let library: [MappingFunction] = textFunctions + testFunctions + listFunctions + dateFunctions + encodingFunctions

    /// Text: Append, Join, Left, Mid, PCase, Replace, StripSpaces, ToLower, ToUpper, Word, InStr, NormalizeDiacritics, CStr.
    static let textFunctions: [MappingFunction] = [
        MappingFunction("Append", 2...2) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            let suffix = MappingFunction.text(a[1]) ?? ""
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.sum(source.utf8.count, suffix.utf8.count), by: "Append")
            return .string(source + suffix)
        },
        MappingFunction("Join", 2...64) { a throws(MappingEvaluationError) in
            let parts = a.dropFirst().flatMap { MappingFunction.values($0) }
            guard !parts.isEmpty else { return nil }
            let separator = MappingFunction.text(a[0]) ?? ""
            let joined = parts.reduce(MappingEvaluationBudget.product(separator.utf8.count, parts.count - 1)) { MappingEvaluationBudget.sum($0, $1.utf8.count) }
            try MappingEvaluationBudget.ensure(joined, by: "Join")
            return .string(parts.joined(separator: separator))
        },
        MappingFunction("Left", 2...2, constants: MappingFunction.counts(at: [1], named: "Left")) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]), let count = MappingFunction.integer(a[1]), count >= 0 else { return nil }
            return .string(String(source.prefix(count)))
        },
        MappingFunction("Mid", 3...3, constants: MappingFunction.counts(at: [1, 2], named: "Mid")) { a throws(MappingEvaluationError) in
            // 1-based start, as in Entra.
            guard let source = MappingFunction.text(a[0]), let start = MappingFunction.integer(a[1]), let length = MappingFunction.integer(a[2]), start >= 1, length >= 0 else { return nil }
            return .string(String(source.dropFirst(start - 1).prefix(length)))
        },
        MappingFunction("PCase", 1...2) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.product(source.utf8.count, 3), by: "PCase")
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
        MappingFunction("Replace", 2...7) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]), let old = MappingFunction.text(a[1]), !old.isEmpty else { return MappingFunction.value(a[0]) }
            let replacement = MappingFunction.text(a.count > 5 ? a[5] : nil) ?? MappingFunction.text(a.count > 4 ? a[4] : nil) ?? ""
            // At most one replacement per `old` in the source: bounded before anything is built.
            let growth = MappingEvaluationBudget.product(source.utf8.count / old.utf8.count, replacement.utf8.count)
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.sum(source.utf8.count, growth), by: "Replace")
            return TextSearch(old).map { .string($0.replace(in: source, with: replacement)) }
        },
        MappingFunction("StripSpaces", 1...1) { a throws(MappingEvaluationError) in MappingFunction.text(a[0]).map { .string($0.replacingOccurrences(of: " ", with: "")) } },
        MappingFunction("ToLower", 1...2) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.product(source.utf8.count, 2), by: "ToLower")
            return .string(source.lowercased())
        },
        MappingFunction("ToUpper", 1...2) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            // Case mapping may lengthen text (ß → SS), at most threefold in UTF-8.
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.product(source.utf8.count, 3), by: "ToUpper")
            return .string(source.uppercased())
        },
        MappingFunction("Word", 3...3, constants: MappingFunction.counts(at: [1], named: "Word")) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]), let number = MappingFunction.integer(a[1]), number >= 1 else { return nil }
            let delimiters = Set(MappingFunction.text(a[2]) ?? " ")
            // Scans up to the word asked for (splitting a long text whole for each call was most of Word's cost).
            var found = 0
            var start: String.Index?
            for position in source.indices {
                if delimiters.contains(source[position]) {
                    guard let wordStart = start else { continue }
                    found += 1
                    if found == number { return .string(String(source[wordStart..<position])) }
                    start = nil
                } else if start == nil {
                    start = position
                }
            }
            return start != nil && found + 1 == number ? start.map { .string(String(source[$0...])) } : nil
        },
        // The 1-based position of the first `search` in `value` at or after character `start`, 0 when there is none
        // (ordinal; `vbTextCompare` compares lowercased text).
        MappingFunction("InStr", 2...4) { a throws(MappingEvaluationError) in
            guard let value = MappingFunction.text(a[0]), let search = MappingFunction.text(a[1]) else { return nil }
            let start = max(1, MappingFunction.integer(a.count > 2 ? a[2] : nil) ?? 1)
            let ignoreCase = (MappingFunction.text(a.count > 3 ? a[3] : nil) ?? "").caseInsensitiveCompare("vbTextCompare") == .orderedSame
            let (haystack, needle) = ignoreCase ? (value.lowercased(), search.lowercased()) : (value, search)
            guard let searcher = TextSearch(needle),
                let from = haystack.index(haystack.startIndex, offsetBy: start - 1, limitedBy: haystack.endIndex),
                let match = searcher.matches(in: Array(haystack.utf8), from: haystack.utf8.distance(from: haystack.startIndex, to: from), first: true).first
            else { return .number(0) }
            let found = haystack.utf8.index(haystack.utf8.startIndex, offsetBy: match)
            return .number(Double(haystack.distance(from: haystack.startIndex, to: found) + 1))
        },
        MappingFunction("NormalizeDiacritics", 1...1) { a throws(MappingEvaluationError) in
            MappingFunction.text(a[0]).map { .string($0.folding(options: .diacriticInsensitive, locale: Locale(identifier: "en_US_POSIX"))) }
        },
        MappingFunction("CStr", 1...1) { a throws(MappingEvaluationError) in MappingFunction.text(a[0]).map(JSONValue.string) },
    ]

    /// Conditions and choices: Not, Equals (`a = b`), IIF, IsNull, IsNullOrEmpty, IsPresent, IsString, CBool, Coalesce, Switch,
    /// SelectUniqueValue, IgnoreFlowIfNullOrEmpty, SingleAppRoleAssignment.
    static let testFunctions: [MappingFunction] = [
        MappingFunction("Not", 1...1) { a throws(MappingEvaluationError) in
            guard case .bool(let flag)? = a[0] else { return MappingFunction.text(a[0]).map { .bool($0.caseInsensitiveCompare("true") != .orderedSame) } }
            return .bool(!flag)
        },
        // `a = b` in Entra's text: both as text, compared exactly; no value equals only no value.
        MappingFunction(MappingFunction.equalsName, 2...2) { a throws(MappingEvaluationError) in .bool(MappingFunction.text(a[0]) == MappingFunction.text(a[1])) },
        MappingFunction("IIF", 3...3) { a throws(MappingEvaluationError) in MappingFunction.value(MappingFunction.truth(a[0]) ? a[1] : a[2]) },
        MappingFunction("IsNull", 1...1) { a throws(MappingEvaluationError) in .bool(a[0] == nil || a[0] == .null) },
        MappingFunction("IsNullOrEmpty", 1...1) { a throws(MappingEvaluationError) in .bool(MappingFunction.text(a[0]).map(\.isEmpty) ?? true) },
        MappingFunction("IsPresent", 1...1) { a throws(MappingEvaluationError) in .bool(!(MappingFunction.text(a[0]).map(\.isEmpty) ?? true)) },
        MappingFunction("IsString", 1...1) { a throws(MappingEvaluationError) in
            if case .string? = a[0] { return .bool(true) }
            return .bool(false)
        },
        MappingFunction("CBool", 1...1) { a throws(MappingEvaluationError) in .bool(MappingFunction.truth(a[0])) },
        MappingFunction("Coalesce", 1...64) { a throws(MappingEvaluationError) in a.map { MappingFunction.text($0) }.first { $0?.isEmpty == false }?.map(JSONValue.string) },
        MappingFunction("Switch", 2...128) { a throws(MappingEvaluationError) in
            let source = MappingFunction.text(a[0])
            var index = 2
            while index + 1 < a.count {
                if let source, MappingFunction.text(a[index]) == source { return MappingFunction.value(a[index + 1]) }
                index += 2
            }
            return MappingFunction.value(a[1])
        },
        // Entra retries with the next rule while the value is taken in the app; GraphSync takes the first with a value.
        MappingFunction("SelectUniqueValue", 1...16) { a throws(MappingEvaluationError) in a.first { MappingFunction.text($0)?.isEmpty == false } ?? nil },
        MappingFunction("IgnoreFlowIfNullOrEmpty", 1...1) { a throws(MappingEvaluationError) in MappingFunction.text(a[0])?.isEmpty == false ? a[0] : nil },
        // The user's app role for this app, when the source gives it as a value.
        MappingFunction("SingleAppRoleAssignment", 1...1) { a throws(MappingEvaluationError) in MappingFunction.values(a[0]).first.map(JSONValue.string) },
    ]

    /// Multi-valued attributes: Count, Item, Split, RemoveDuplicates.
    static let listFunctions: [MappingFunction] = [
        MappingFunction("Count", 1...1) { a throws(MappingEvaluationError) in .number(Double(MappingFunction.values(a[0]).count)) },
        MappingFunction("Item", 2...2, constants: MappingFunction.counts(at: [1], named: "Item")) { a throws(MappingEvaluationError) in
            let items = MappingFunction.values(a[0])
            guard let index = MappingFunction.integer(a[1]), index >= 1, index <= items.count else { return nil }
            return .string(items[index - 1])
        },
        MappingFunction("Split", 2...2) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]), let delimiter = MappingFunction.text(a[1]), let searcher = TextSearch(delimiter) else { return nil }
            guard let pieces = searcher.split(source, limit: MappingEvaluationBudget.maximumItems) else {
                throw MappingEvaluationError("Split", "the result would have more than \(MappingEvaluationBudget.maximumItems) values.")
            }
            return .array(pieces.map(JSONValue.string))
        },
        MappingFunction("RemoveDuplicates", 1...1) { a throws(MappingEvaluationError) in
            var seen = Set<String>()
            return .array(MappingFunction.values(a[0]).filter { seen.insert($0).inserted }.map(JSONValue.string))
        },
    ]

    /// Dates: Now, CDate, FormatDateTime, DateAdd, DateDiff, DateFromNum, NumFromDate. Every date read or built is within
    /// years 1–9999 (.NET's `DateTime` range); one outside it is no date (read) or an error (built).
    static let dateFunctions: [MappingFunction] = [
        MappingFunction("Now", 0...0) { _ throws(MappingEvaluationError) in .string(GraphDate.format(Date())) },
        MappingFunction("CDate", 1...1) { a throws(MappingEvaluationError) in MappingFunction.date(MappingFunction.text(a[0])).map { .string(GraphDate.format($0)) } },
        // FormatDateTime(source, [dateTimeStyles], inputFormat, outputFormat), with .NET's custom format letters.
        MappingFunction("FormatDateTime", 3...4) { a throws(MappingEvaluationError) in
            let (input, output) = a.count == 4 ? (MappingFunction.text(a[2]), MappingFunction.text(a[3])) : (MappingFunction.text(a[1]), MappingFunction.text(a[2]))
            guard let source = MappingFunction.text(a[0]), let output, source.utf8.count <= 256, output.utf8.count <= 256, (input?.utf8.count ?? 0) <= 256,
                let date = input.flatMap({ MappingFunction.parse(source, dotNet: $0) }) ?? MappingFunction.date(source)
            else { return nil }
            return .string(MappingFunction.formatter(dotNet: output).string(from: date))
        },
        MappingFunction("DateAdd", 3...3, constants: MappingFunction.dateAddConstants) { a throws(MappingEvaluationError) in
            guard let interval = MappingFunction.text(a[0]), let amount = MappingFunction.integer(a[1]), let date = MappingFunction.date(MappingFunction.text(a[2])),
                let (unit, factor) = MappingFunction.calendarComponent(interval)
            else { return nil }
            let value = MappingFunction.dateAddValue(amount, factor: factor, unit: unit)
            guard let value, let result = MappingFunction.utc.date(byAdding: unit, value: value, to: date).flatMap(MappingFunction.withinRange) else {
                throw MappingEvaluationError("DateAdd", "the result leaves years 1–9999.")
            }
            return .string(GraphDate.format(result))
        },
        MappingFunction("DateDiff", 3...3, constants: MappingFunction.intervalConstant(named: "DateDiff")) { a throws(MappingEvaluationError) in
            guard let interval = MappingFunction.text(a[0]), let from = MappingFunction.date(MappingFunction.text(a[1])), let to = MappingFunction.date(MappingFunction.text(a[2])),
                let (unit, factor) = MappingFunction.calendarComponent(interval),
                let difference = MappingFunction.utc.dateComponents([unit], from: from, to: to).value(for: unit)
            else { return nil }
            return .number(Double(difference / factor))
        },
        // Active Directory's file times: 100-nanosecond ticks since 1601-01-01.
        MappingFunction("DateFromNum", 1...1) { a throws(MappingEvaluationError) in
            guard let ticks = MappingFunction.text(a[0]).flatMap(Double.init), ticks.isFinite, ticks >= 0 else { return nil }
            guard let date = MappingFunction.withinRange(Date(timeIntervalSince1970: ticks / 10_000_000 - 11_644_473_600)) else {
                throw MappingEvaluationError("DateFromNum", "the number is past the year 9999.")
            }
            return .string(GraphDate.format(date))
        },
        MappingFunction("NumFromDate", 1...1) { a throws(MappingEvaluationError) in
            // Dates are within years 1–9999, so the ticks fit in 64 bits (at most ±2.7 × 10¹⁸); whole seconds are
            // counted in integers, which a Double past 2⁵³ could not hold exactly.
            guard let date = MappingFunction.date(MappingFunction.text(a[0])) else { return nil }
            let seconds = date.timeIntervalSince1970.rounded(.down)
            let fraction = Int64(((date.timeIntervalSince1970 - seconds) * 10_000_000).rounded())
            guard let whole = Int64(exactly: seconds) else { return nil }
            return .string(String((whole + 11_644_473_600) * 10_000_000 + fraction))
        },
    ]

    /// Encodings and generated values: ConvertToBase64, ConvertToUTF8Hex, Redact, Guid, RandomString, BitAnd.
    static let encodingFunctions: [MappingFunction] = [
        // Unicode (UTF-16LE) bytes, as Entra encodes them.
        MappingFunction("ConvertToBase64", 1...1) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.product(source.utf16.count, 3), by: "ConvertToBase64")
            return .string(Data(source.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).base64EncodedString())
        },
        MappingFunction("ConvertToUTF8Hex", 1...1) { a throws(MappingEvaluationError) in
            guard let source = MappingFunction.text(a[0]) else { return nil }
            try MappingEvaluationBudget.ensure(MappingEvaluationBudget.product(source.utf8.count, 2), by: "ConvertToUTF8Hex")
            let digits = Array("0123456789abcdef".utf8)
            return .string(String(decoding: source.utf8.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self))
        },
        MappingFunction("Redact", 1...1) { _ throws(MappingEvaluationError) in .string("redact") },
        MappingFunction("Guid", 0...0) { _ throws(MappingEvaluationError) in .string(UUID().uuidString.lowercased()) },
        // RandomString(length, minNumbers, minSpecialCharacters, minUppercase, minLowercase, charactersToAvoid).
        MappingFunction("RandomString", 1...6, constants: MappingFunction.randomStringConstants) { a throws(MappingEvaluationError) in
            let limit = MappingEvaluationBudget.maximumCount
            guard let length = MappingFunction.integer(a[0]), (1...limit).contains(length) else {
                throw MappingEvaluationError("RandomString", "the length must be a whole number from 1 to \(limit).")
            }
            let minimums = (1...4).map { MappingFunction.integer(a.count > $0 ? a[$0] : nil) ?? 0 }
            guard minimums.allSatisfy({ (0...length).contains($0) }), minimums.reduce(0, +) <= length else {
                throw MappingEvaluationError("RandomString", "each minimum count must be from 0 to the length (\(length)), and together at most the length.")
            }
            let avoid = Set(MappingFunction.text(a.count > 5 ? a[5] : nil)?.prefix(limit) ?? "")
            let pools = ["0123456789", "!#$%&*+-=?@^_~", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"].map { $0.filter { !avoid.contains($0) } }
            var characters: [Character] = []
            for (pool, minimum) in zip(pools, minimums) where !pool.isEmpty {
                characters += (0..<minimum).compactMap { _ in pool.randomElement() }
            }
            let all = pools.joined()
            guard !all.isEmpty else { return nil }
            while characters.count < length, let next = all.randomElement() { characters.append(next) }
            return .string(String(characters.shuffled()))
        },
        MappingFunction("BitAnd", 2...2) { a throws(MappingEvaluationError) in
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

    /// An ISO 8601 date, or Active Directory's generalized time (`20240131123000.0Z`), within years 1–9999.
    static func date(_ text: String?) -> Date? {
        guard let text, !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if Self.longestDigitRun(text) <= Self.maximumDigitRun, let date = GraphDate.parse(text) { return Self.withinRange(date) }
        return Self.generalizedTime(text)
    }

    /// The longest run of digits ICU's date parser is handed. ICU computes a fraction's divisor in 32 bits, which wraps
    /// to zero past 34 digits: a division by zero (SIGFPE) that kills the process.
    static let maximumDigitRun = 24

    /// The length of the longest run of ASCII digits in `text`.
    static func longestDigitRun(_ text: String) -> Int {
        var longest = 0, current = 0
        for byte in text.utf8 {
            current = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// `source` read with a .NET custom format, within years 1–9999; nil when it does not match or has a digit run ICU
    /// cannot take.
    static func parse(_ source: String, dotNet format: String) -> Date? {
        guard Self.longestDigitRun(source) <= Self.maximumDigitRun else { return nil }
        return Self.formatter(dotNet: format).date(from: source).flatMap(Self.withinRange)
    }

    /// Generalized time, `yyyyMMddHHmmss[.f…]Z` (Active Directory's `whenCreated`), read by hand: its fraction may have
    /// any number of digits (the first seven count, as .NET's ticks do).
    static func generalizedTime(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 15, bytes.count <= 64, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(8..<10),
            let minute = number(10..<12), let second = number(12..<14), (1...12).contains(month), (1...31).contains(day), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        // Fourteen digits, then `Z` or a fraction (`.` and at least one digit) and `Z`.
        if bytes.count > 15 {
            let end = bytes.count - 1
            guard bytes[14] == UInt8(ascii: "."), end >= 16, let value = number(15..<min(15 + 7, end)),
                bytes[15..<end].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
            fraction = Double(value) / pow(10, Double(min(7, end - 15)))
        }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = Self.utc.date(from: components), Self.utc.component(.day, from: date) == day else { return nil }
        return Self.withinRange(date.addingTimeInterval(fraction))
    }

    /// Seconds since 1970 of 0001-01-01T00:00:00Z and of the end of 9999-12-31 (.NET's `DateTime` range). The start
    /// has two days' slack: Foundation's Gregorian calendar is Julian before 1582, so its 0001-01-01 is two days earlier.
    static let dateRange = -62_135_769_600.0..<253_402_300_800.0

    /// `date` when it is within years 1–9999.
    static func withinRange(_ date: Date) -> Date? { Self.dateRange.contains(date.timeIntervalSince1970) ? date : nil }

    /// `amount` intervals of `factor` units each, when that stays within 10,000 years (and so within 64 bits).
    static func dateAddValue(_ amount: Int, factor: Int, unit: Calendar.Component) -> Int? {
        let unitsIn10000Years: Int = switch unit {
        case .year: 10_000
        case .month: 120_000
        case .day: 3_652_500
        case .hour: 87_660_000
        case .minute: 5_259_600_000
        default: 315_576_000_000
        }
        let (value, overflow) = amount.multipliedReportingOverflow(by: factor)
        return !overflow && value.magnitude <= unitsIn10000Years.magnitude ? value : nil
    }

    // MARK: Constant arguments, checked when a schema is saved

    /// Parameters at `indexes` that are constants must be whole numbers from 0 to 2³¹.
    static func counts(at indexes: [Int], named name: String) -> ConstantCheck {
        { constants in
            for index in indexes where index < constants.count {
                guard let text = constants[index], !text.isEmpty else { continue }
                guard let number = Int(text.trimmingCharacters(in: .whitespaces)), (0...Int(Int32.max)).contains(number) else {
                    return "\(name)() takes a whole number from 0 to \(Int32.max) as parameter \(index + 1), not '\(text.prefix(40))'."
                }
            }
            return nil
        }
    }

    /// A constant interval must be one of VBA's (`yyyy`, `q`, `m`, `y`, `d`, `w`, `ww`, `h`, `n`, `s`).
    static func intervalConstant(named name: String) -> ConstantCheck {
        { constants in
            guard let interval = constants.first ?? nil, Self.calendarComponent(interval) == nil else { return nil }
            return "\(name)() takes an interval of yyyy, q, m, y, d, w, ww, h, n or s, not '\(interval.prefix(20))'."
        }
    }

    /// DateAdd's interval, and an amount that keeps within 10,000 years.
    static let dateAddConstants: ConstantCheck = { constants in
        if let problem = Self.intervalConstant(named: "DateAdd")(constants) { return problem }
        guard constants.count > 1, let text = constants[1], !text.isEmpty else { return nil }
        let (unit, factor) = (constants[0] ?? nil).flatMap(Self.calendarComponent) ?? (.second, 1)
        guard let amount = Int(text.trimmingCharacters(in: .whitespaces)), Self.dateAddValue(amount, factor: factor, unit: unit) != nil else {
            return "DateAdd() takes an amount that keeps the date within years 1–9999, not '\(text.prefix(40))'."
        }
        return nil
    }

    /// RandomString's length (1–256) and minimum counts (each from 0 to the length, together at most the length).
    static let randomStringConstants: ConstantCheck = { constants in
        let limit = MappingEvaluationBudget.maximumCount
        let numbers = constants.prefix(5).map { $0.flatMap { $0.isEmpty ? nil : Int($0.trimmingCharacters(in: .whitespaces)) } }
        for (index, text) in constants.prefix(5).enumerated() where text?.isEmpty == false && numbers[index] == nil {
            return "RandomString() takes whole numbers as parameter \(index + 1), not '\(text?.prefix(40) ?? "")'."
        }
        if let length = numbers.first ?? nil, !(1...limit).contains(length) {
            return "RandomString() takes a length from 1 to \(limit), not \(length)."
        }
        let minimums = numbers.dropFirst().compactMap { $0 }
        let length = (numbers.first ?? nil) ?? limit
        guard minimums.allSatisfy({ (0...length).contains($0) }), minimums.reduce(0, { MappingEvaluationBudget.sum($0, $1) }) <= length else {
            return "RandomString()'s minimum counts must each be from 0 to its length (\(length)), and together at most the length."
        }
        return nil
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
