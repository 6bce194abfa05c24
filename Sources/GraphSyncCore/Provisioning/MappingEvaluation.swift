import Foundation

/// Why an attribute-mapping expression has no result for one object: a function refused its arguments, or the
/// evaluation went over its budget. The engine escrows that object with this message; other objects go on.
public struct MappingEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }

    public init(message: String) { self.message = message }

    /// `function` refused its arguments for `reason`.
    init(_ function: String, _ reason: String) { self.message = "\(function)(): \(reason)" }
}

/// What one evaluation of an expression may spend: function calls, and bytes of text built. Expressions are at most
/// 4,096 characters, but their values come from the directory, and functions such as `Join` and `Replace` multiply
/// them: every value a function builds is checked against `maximumLength` before it is built.
struct MappingEvaluationBudget {
    /// Function calls in one evaluation.
    static let maximumSteps = 4_096
    /// UTF-8 bytes of one value a function builds.
    static let maximumLength = 65_536
    /// UTF-8 bytes of all values built in one evaluation.
    static let maximumTotal = 1 << 20
    /// How many characters `RandomString`, `Left`-style counts and similar lengths may ask for.
    static let maximumCount = 256
    /// Values in a list a function builds (`Split`).
    static let maximumItems = 4_096
    /// Bytes of arguments read in one evaluation: every call reads its arguments, so this bounds the work of linear
    /// functions over large values called many times (`Coalesce(Word([x], 2, ","), …)`).
    static let maximumRead = 4 << 20
    /// What a list item costs besides its text.
    static let itemOverhead = 32

    private(set) var steps = 0
    private(set) var produced = 0
    private(set) var read = 0

    /// Counts a call of `function` with `arguments`: no argument may be over `maximumLength`, and all calls together
    /// may read at most `maximumRead`.
    mutating func call(_ function: String, arguments: [JSONValue?]) throws(MappingEvaluationError) {
        self.steps += 1
        guard self.steps <= Self.maximumSteps else {
            throw MappingEvaluationError(message: "The expression calls functions more than \(Self.maximumSteps) times for one object.")
        }
        for argument in arguments {
            let length = Self.length(of: argument)
            guard length <= Self.maximumLength else {
                throw MappingEvaluationError(function, "a value over \(Self.maximumLength) bytes cannot be passed to a function.")
            }
            self.read = Self.sum(self.read, length)
        }
        guard self.read <= Self.maximumRead else {
            throw MappingEvaluationError(message: "The expression reads more than \(Self.maximumRead) bytes of values for one object.")
        }
    }

    /// Counts what `function` built.
    mutating func produced(_ value: JSONValue?, by function: String) throws(MappingEvaluationError) {
        self.produced += Self.length(of: value)
        guard self.produced <= Self.maximumTotal else {
            throw MappingEvaluationError(message: "The expression builds more than \(Self.maximumTotal) bytes of text for one object.")
        }
    }

    /// Throws unless a value of `bytes` UTF-8 bytes may be built by `function`.
    static func ensure(_ bytes: Int, by function: String) throws(MappingEvaluationError) {
        guard bytes >= 0, bytes <= Self.maximumLength else {
            throw MappingEvaluationError(function, "the result would be longer than \(Self.maximumLength) bytes.")
        }
    }

    /// `a + b`, or `Int.max` when that overflows (which `ensure` then refuses).
    static func sum(_ a: Int, _ b: Int) -> Int {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : total
    }

    /// `a × b`, or `Int.max` when that overflows.
    static func product(_ a: Int, _ b: Int) -> Int {
        let (total, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : total
    }

    /// The UTF-8 bytes of a value's text, and `itemOverhead` for each item of a list.
    static func length(of value: JSONValue?) -> Int {
        switch value {
        case .string(let text)?: text.utf8.count
        case .array(let items)?: items.reduce(0) { Self.sum(Self.sum($0, Self.itemOverhead), Self.length(of: $1)) }
        case .object(let members)?: members.reduce(0) { Self.sum(Self.sum($0, Self.itemOverhead), Self.length(of: $1.1)) }
        default: 0
        }
    }
}
