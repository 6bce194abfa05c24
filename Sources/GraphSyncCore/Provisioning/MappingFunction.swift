import Foundation

/// The attribute-mapping functions GraphSync evaluates, from Entra's expression language. Parameters are taken in
/// order (their keys vary between tenants' schemas); each is itself an Attribute, Constant or Function source.
enum MappingFunction: String, CaseIterable, Sendable {
    /// `Not(source)`: the negation of a boolean.
    case not = "Not"
    /// `Append(source, suffix)`.
    case append = "Append"
    /// `Join(separator, source1, source2, …)`: the values that exist, joined.
    case join = "Join"
    /// `ToLower(source[, culture])`.
    case toLower = "ToLower"
    /// `ToUpper(source[, culture])`.
    case toUpper = "ToUpper"
    /// `Coalesce(source1, source2, …)`: the first value that exists and is not empty.
    case coalesce = "Coalesce"
    /// `Switch(source, defaultValue, key1, value1, key2, value2, …)`.
    case `switch` = "Switch"
    /// `StripSpaces(source)`: without any space.
    case stripSpaces = "StripSpaces"

    /// Each function's name and how many parameters it takes at least and at most (`schema/functions`).
    static var signatures: [(name: String, parameters: ClosedRange<Int>)] { Self.allCases.map { ($0.rawValue, $0.arity) } }

    /// How many parameters the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .not, .stripSpaces: 1...1
        case .append: 2...2
        case .toLower, .toUpper: 1...2
        case .join: 2...64
        case .coalesce: 1...64
        case .switch: 2...128
        }
    }

    /// The result for evaluated parameters (nil: that parameter has no value); nil when there is none.
    func apply(_ arguments: [JSONValue?]) -> JSONValue? {
        let texts = arguments.map { $0.flatMap(Self.text) }
        switch self {
        case .not:
            guard case .bool(let flag)? = arguments.first else { return nil }
            return .bool(!flag)
        case .append:
            guard let source = texts[0] else { return nil }
            return .string(source + (texts[1] ?? ""))
        case .join:
            let parts = texts.dropFirst().compactMap { $0 }
            return parts.isEmpty ? nil : .string(parts.joined(separator: texts[0] ?? ""))
        case .toLower:
            return texts[0].map { .string($0.lowercased()) }
        case .toUpper:
            return texts[0].map { .string($0.uppercased()) }
        case .coalesce:
            return texts.first { $0?.isEmpty == false }?.map(JSONValue.string)
        case .switch:
            let source = texts[0]
            var index = 2
            while index + 1 < texts.count {
                if let source, texts[index] == source { return Self.value(arguments[index + 1]) }
                index += 2
            }
            return Self.value(arguments[1])
        case .stripSpaces:
            return texts[0].map { .string($0.replacingOccurrences(of: " ", with: "")) }
        }
    }

    /// A value as text, the way Entra's expressions see it (`True`/`False` for booleans).
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "True" : "False"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: nil
        }
    }

    /// A Switch result: `"True"`/`"False"` become booleans (so `active` gets a boolean); an empty string is no value.
    private static func value(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .string("True")?: .bool(true)
        case .string("False")?: .bool(false)
        case .string("")?, nil: nil
        default: value
        }
    }
}
