import Foundation

/// A function of Entra's expression language for attribute mappings, as GraphSync evaluates it. Parameters are taken
/// in order (their keys vary between tenants' schemas); each is itself an Attribute, Constant or Function source, and
/// is nil when it has no value. Names match case-insensitively, as Entra's do.
///
/// Every function is total: whatever its arguments, it returns a value, nil, or throws `MappingEvaluationError`
/// (checked arithmetic, dates within years 1–9999, no text over `MappingEvaluationBudget.maximumLength` built).
struct MappingFunction: Sendable {
    typealias Body = @Sendable ([JSONValue?]) throws(MappingEvaluationError) -> JSONValue?
    /// What is wrong with the constant arguments of a call (nil for a parameter that is not a constant), checked when
    /// a schema is saved; nil when nothing is.
    typealias ConstantCheck = @Sendable ([String?]) -> String?

    let name: String
    /// How many parameters it takes.
    let arity: ClosedRange<Int>
    let evaluate: Body
    let checkConstants: ConstantCheck?

    var rawValue: String { self.name }

    init(_ name: String, _ arity: ClosedRange<Int>, constants: ConstantCheck? = nil, _ evaluate: @escaping Body) {
        self.name = name
        self.arity = arity
        self.checkConstants = constants
        self.evaluate = evaluate
    }

    init?(rawValue: String) {
        guard let function = Self.byName[rawValue.lowercased()] else { return nil }
        self = function
    }

    static var allCases: [MappingFunction] { Self.library }

    private static let byName = Dictionary(Self.library.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    /// Each function's name and how many parameters it takes (`schema/functions`).
    static var signatures: [(name: String, parameters: ClosedRange<Int>)] { Self.library.map { ($0.name, $0.arity) } }

    /// The function a comparison `a = b` is stored as (`IIF([country]="USA", …)`).
    static let equalsName = "Equals"

    /// The result for evaluated parameters; nil when there is none.
    func apply(_ arguments: [JSONValue?]) throws(MappingEvaluationError) -> JSONValue? { try self.evaluate(arguments) }

    // MARK: Values as Entra's expressions see them

    /// A value as text (`True`/`False` for booleans; a multi-valued attribute's first value).
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "True" : "False"
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .array(let items): items.first.flatMap(Self.text)
        default: nil
        }
    }

    static func text(_ value: JSONValue?) -> String? { value.flatMap { Self.text($0) } }

    /// A whole number from a value (`"5"`, `5`), or nil.
    static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let number)?: number.isFinite && abs(number) < 1e15 ? Int(number) : nil
        case .string(let text)?: Int(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// Truth as `IIF` and `CBool` read it: `true`, `"True"`, a non-zero number.
    static func truth(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(let flag)?: flag
        case .string(let text)?: text.caseInsensitiveCompare("true") == .orderedSame || (Double(text).map { $0 != 0 } ?? false)
        case .number(let number)?: number != 0
        default: false
        }
    }

    /// A multi-valued attribute's values as text (a single value is a list of one).
    static func values(_ value: JSONValue?) -> [String] {
        switch value {
        case .array(let items)?: items.compactMap { Self.text($0) }
        case let single?: Self.text(single).map { [$0] } ?? []
        case nil: []
        }
    }

    /// `"True"`/`"False"` become booleans (so `active` gets a boolean); an empty string is no value.
    static func value(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .string("True")?: .bool(true)
        case .string("False")?: .bool(false)
        case .string("")?, nil: nil
        default: value
        }
    }
}
