import Foundation
@testable import GraphSyncCore
import Testing

/// The security review's expressions that crashed or stalled a node, and a seeded fuzz of every mapping function with
/// extreme and malformed arguments: each evaluation ends in a value, no value or a `MappingEvaluationError`, within a
/// second.
@Suite struct MappingFunctionSafetyTests {
    func c(_ value: String) -> AttributeMappingSource { .constant(value) }

    func evaluate(_ name: String, _ parameters: [AttributeMappingSource], _ values: [String: JSONValue] = [:]) -> Result<JSONValue?, MappingEvaluationError> {
        Result { () throws(MappingEvaluationError) in try AttributeMapper.value(of: .function(name, parameters), in: values) }
    }

    /// `DateAdd` multiplied an unbounded amount by the interval's factor (a trap: SIGILL).
    @Test func dateAddWithAnAmountPast64BitsFails() throws {
        let result = self.evaluate("DateAdd", [c("q"), c("9223372036854775807"), c("2020-01-01T00:00:00Z")])
        #expect(throws: MappingEvaluationError.self) { try result.get() }
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("DateAdd", [c("yyyy"), c("10000"), c("2020-01-01T00:00:00Z")]).get() }
        #expect(try self.evaluate("DateAdd", [c("yyyy"), c("7979"), c("2020-01-01T00:00:00Z")]).get() == .string("9999-01-01T00:00:00Z"))
        #expect(AttributeMapper.problem(in: .function("DateAdd", [c("q"), c("9223372036854775807"), .attribute("hireDate")]))?.contains("years 1–9999") == true)
        #expect(AttributeMapper.problem(in: .function("DateAdd", [c("fortnight"), c("1"), .attribute("hireDate")]))?.contains("interval") == true)
    }

    /// `NumFromDate` converted dates past year ~30828 to `Int64` (a trap); dates are now years 1–9999.
    @Test func numFromDateOfAFarDateHasNoValue() throws {
        for date in ["309000101000000.0Z", "+30900-01-01T00:00:00Z", "30900-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"] {
            #expect(try self.evaluate("NumFromDate", [c(date)]).get() == nil, "\(date)")
        }
        let last = try self.evaluate("NumFromDate", [c("9999-12-31T23:59:59Z")]).get()
        #expect(last == .string("2650467743990000000"), "\(String(describing: last))")
        let first = try self.evaluate("NumFromDate", [c("0001-01-01T00:00:00Z")]).get()
        #expect(first?.stringValue?.hasPrefix("-50491") == true, "\(String(describing: first))")
        // The far date that DateAdd used to build for it is refused where it would be built.
        #expect(throws: MappingEvaluationError.self) {
            try self.evaluate("NumFromDate", [.function("DateAdd", [c("yyyy"), c("30000"), c("2020-01-01T00:00:00Z")])]).get()
        }
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("DateFromNum", [c("1e30")]).get() }
    }

    /// `RandomString(1, "16000000")` built 16 million characters before truncating (26 s a call).
    @Test func randomStringCountsAreBounded() {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: MappingEvaluationError.self) { try self.evaluate("RandomString", [c("1"), c("16000000")]).get() }
        }
        #expect(elapsed < .seconds(1))
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("RandomString", [c("100000")]).get() }
        #expect(AttributeMapper.problem(in: .function("RandomString", [c("1"), c("16000000")])) != nil)
        #expect(AttributeMapper.problem(in: .function("RandomString", [c("12"), c("2"), c("1")])) == nil)
    }

    /// Functions that multiply text (`Join` with a long separator, `Replace` of one character by a long text) are
    /// refused before they build over 64 KiB, and an evaluation builds at most 1 MiB in all.
    @Test func textIsBoundedBeforeItIsBuilt() {
        let long = String(repeating: "a", count: 60_000)
        let values: [String: JSONValue] = ["long": .string(long), "many": .array(Array(repeating: .string("x"), count: 64))]
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("Replace", [.attribute("long"), c("a"), c(""), c(""), c("bbbbbbbb")], values).get() }
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("Join", [.attribute("long"), .attribute("many")], values).get() }
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("Append", [.attribute("long"), .attribute("long")], values).get() }
        let nested = (0..<40).reduce(AttributeMappingSource.attribute("long")) { inner, _ in .function("Left", [inner, c("60000")]) }
        #expect(throws: MappingEvaluationError.self) { try AttributeMapper.value(of: nested, in: values) }
    }

    /// A failure names the mapping it happened in, for the escrow's reason.
    @Test func aFailureNamesItsMapping() throws {
        let mapping = ObjectMapping(
            name: "Users", enabled: true, flowTypes: "Add, Update, Delete", sourceObjectName: "User", targetObjectName: "urn:ietf:params:scim:schemas:core:2.0:User",
            attributeMappings: [AttributeMapping(source: .function("DateAdd", [c("yyyy"), .attribute("years"), c("2020-01-01T00:00:00Z")]), target: "title")])
        do {
            _ = try AttributeMapper.targetValues(mapping, source: ["years": .string("9000")], isNew: true)
            Issue.record("no failure")
        } catch {
            #expect(error.message.contains("'title'") && error.message.contains("DateAdd"), "\(error.message)")
        }
        #expect(try AttributeMapper.targetValues(mapping, source: ["years": .string("1")], isNew: true).first?.1 == .string("2021-01-01T00:00:00Z"))
    }

    // MARK: Fuzz

    /// Extreme and malformed arguments: numbers at and past every bound, dates outside years 1–9999, long text, lists.
    static let extremes: [JSONValue?] = {
        var texts = [
            "", " ", "0", "-0", "1", "-1", "3", "255", "256", "257", "65536", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999999", "1e308", "-1e308",
            "1e30", "NaN", "inf", "-inf", "0x10", "q", "yyyy", "m", "d", "ww", "h", "n", "s", "Q", "vbTextCompare", "True", "False",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2020-02-29T12:00:00Z", "10000-01-01T00:00:00Z", "+30900-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z", "99991231235959.0Z", "309000101000000.0Z", "2650467743999999999", "265046774399999999999",
            "yyyy-MM-dd", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", "'", "''", "\"", "%@%n", "\u{0}", "é", "ß", "💥", "\u{202E}",
        ]
        texts += [String(repeating: "a", count: 70_000), String(repeating: "ß", count: 30_000), String(repeating: "ab ", count: 20_000)]
        var values: [JSONValue?] = texts.map { .string($0) }
        values += [nil, .null, .bool(true), .bool(false), .number(0), .number(-1), .number(1e15), .number(-1e15), .number(1e308), .number(-1e308),
                   .number(9.3e18), .number(1.5), .array([]), .array(Array(repeating: .string("x"), count: 5_000)),
                   .array([.string(String(repeating: "b", count: 40_000)), .string("c")]), .object([("a", .string("b"))])]
        return values
    }()

    /// A seeded SplitMix64, so a failing case is the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Every function with every arity it takes, each argument drawn from `extremes` (as an attribute's value, or as
    /// a constant when it is text): thousands of cases, none over a second.
    @Test func everyFunctionIsTotalOnExtremeArguments() {
        var random = SeededGenerator(state: 20_261_208)
        let clock = ContinuousClock()
        var cases = 0
        var slowest: (Duration, String) = (.zero, "")
        for signature in AttributeMapper.functionSignatures {
            for arity in signature.parameters.clamped(to: 0...8) {
                for _ in 0..<60 {
                    var values: [String: JSONValue] = [:]
                    let parameters: [AttributeMappingSource] = (0..<arity).map { index in
                        let value = Self.extremes.randomElement(using: &random) ?? nil
                        if case .string(let text)? = value, Bool.random(using: &random) { return .constant(text) }
                        values["p\(index)"] = value
                        return .attribute("p\(index)")
                    }
                    let source = AttributeMappingSource.function(signature.name, parameters)
                    let elapsed = clock.measure { _ = try? AttributeMapper.value(of: source, in: values) }
                    _ = AttributeMapper.problem(in: source)
                    if elapsed > slowest.0 { slowest = (elapsed, "\(signature.name)/\(arity)") }
                    cases += 1
                }
            }
        }
        #expect(cases > 3_000)
        #expect(slowest.0 < .seconds(1), "slowest: \(slowest.1) took \(slowest.0)")
    }

    /// Random nested expressions (up to four levels) over the extremes: no crash, none over a second.
    @Test func nestedExpressionsAreTotal() {
        var random = SeededGenerator(state: 8_122_026)
        let signatures = AttributeMapper.functionSignatures
        let values = Dictionary(uniqueKeysWithValues: Self.extremes.enumerated().compactMap { index, value in value.map { ("v\(index)", $0) } })
        func expression(_ depth: Int) -> AttributeMappingSource {
            if depth == 0 || Int.random(in: 0..<3, using: &random) == 0 {
                let index = Int.random(in: 0..<Self.extremes.count, using: &random)
                if case .string(let text)?? = Self.extremes[index] as JSONValue??, Bool.random(using: &random) { return .constant(text) }
                return .attribute("v\(index)")
            }
            let signature = signatures.randomElement(using: &random)!
            let arity = Int.random(in: signature.parameters.clamped(to: 0...6), using: &random)
            return .function(signature.name, (0..<arity).map { _ in expression(depth - 1) })
        }
        let clock = ContinuousClock()
        var slowest: (Duration, String) = (.zero, "")
        for _ in 0..<2_000 {
            let source = expression(4)
            let elapsed = clock.measure { _ = try? AttributeMapper.value(of: source, in: values) }
            if elapsed > slowest.0 { slowest = (elapsed, "\(source)".prefix(300).description) }
        }
        #expect(slowest.0 < .seconds(1), "slowest: \(slowest.1) took \(slowest.0)")
    }
}
