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

    // MARK: The attack on the first fix

    /// ICU's fraction parser divides by a 32-bit power of ten that wraps to zero past 34 digits (SIGFPE): a generalized
    /// time with a long fraction killed the node through every function that reads a date, and through a schema save.
    @Test func longFractionsNeverReachICU() throws {
        let fraction = "20240131123000." + String(repeating: "9", count: 40) + "Z"
        let zeros = "20240131123000." + String(repeating: "0", count: 35) + "Z"
        for source in [fraction, zeros] {
            let values: [String: JSONValue] = ["d": .string(source)]
            // 0.9999999 s is past what a Date's Double keeps at this distance from 2001: it may read as the next second.
            let expected: Set<String> = source == zeros ? ["2024-01-31T12:30:00Z"] : ["2024-01-31T12:30:00.9999999Z", "2024-01-31T12:30:01Z"]
            let read = try self.evaluate("CDate", [.attribute("d")], values).get()
            #expect(read?.stringValue.map(expected.contains) == true, "\(String(describing: read))")
            _ = try? self.evaluate("FormatDateTime", [.attribute("d"), c("yyyyMMddHHmmss.fZ"), c("yyyy-MM-dd")], values).get()
            _ = try? self.evaluate("FormatDateTime", [.attribute("d"), c("yyyyMMddHHmmss.ffffffffffffffffffffffffffffffffffffffffZ"), c("yyyy")], values).get()
            _ = try? self.evaluate("DateDiff", [c("d"), .attribute("d"), c("2024-02-01T00:00:00Z")], values).get()
            _ = try? self.evaluate("NumFromDate", [.attribute("d")], values).get()
            #expect(AttributeMapper.problem(in: .function("CDate", [c(source)])) == nil)
        }
        // Generalized time is read by hand: a long fraction keeps its first seven digits, as .NET's ticks do.
        #expect(try self.evaluate("CDate", [c("20240131123000.5Z")]).get() == .string("2024-01-31T12:30:00.5000000Z"))
        #expect(try self.evaluate("CDate", [c("20240131123000." + String(repeating: "0", count: 30) + "1Z")]).get() == .string("2024-01-31T12:30:00Z"))
        #expect(try self.evaluate("CDate", [c("20240230123000.0Z")]).get() == nil, "no 30 February")
        #expect(try self.evaluate("FormatDateTime", [c("20240131123000.0Z"), c("yyyyMMddHHmmss.fZ"), c("yyyy-MM-dd")]).get() == .string("2024-01-31"))
    }

    /// Foundation's searches compare naively (haystack × needle): a 60,000-character text and a 20,000-character needle
    /// took 30 s in InStr and Replace. Searches are linear now.
    @Test func searchesAreLinear() throws {
        let values: [String: JSONValue] = [
            "x": .string(String(repeating: "a", count: 60_000)), "y": .string(String(repeating: "a", count: 20_000) + "b"),
            "z": .string(String(repeating: "ab", count: 30_000)),
        ]
        let clock = ContinuousClock()
        for (name, parameters) in [
            ("InStr", [AttributeMappingSource.attribute("x"), .attribute("y")]), ("InStr", [.attribute("x"), .attribute("y"), c("1"), c("vbTextCompare")]),
            ("Replace", [.attribute("x"), .attribute("y"), c(""), c(""), c("z")]), ("Split", [.attribute("x"), .attribute("y")]),
        ] {
            let elapsed = clock.measure { _ = try? self.evaluate(name, parameters, values).get() }
            #expect(elapsed < .milliseconds(500), "\(name): \(elapsed)")
        }
        // And they answer as before.
        #expect(try self.evaluate("InStr", [.attribute("z"), c("ba"), c("4")], values).get() == .number(4))
        #expect(try self.evaluate("InStr", [c("Hello World"), c("WORLD"), c("1"), c("vbTextCompare")]).get() == .number(7))
        #expect(try self.evaluate("InStr", [c("héllo"), c("llo")]).get() == .number(3))
        #expect(try self.evaluate("InStr", [c("abc"), c("d")]).get() == .number(0))
        #expect(try self.evaluate("Replace", [c("a.b.c"), c("."), c(""), c(""), c("--")]).get() == .string("a--b--c"))
        #expect(try self.evaluate("Replace", [c("aaa"), c("aa"), c(""), c(""), c("b")]).get() == .string("ba"))
        #expect(try self.evaluate("Split", [c("a,,b,"), c(",")]).get() == .array([.string("a"), .string(""), .string("b"), .string("")]))
    }

    /// List items cost their overhead, Split builds at most 4,096 values, no argument is over 64 KiB, and one evaluation
    /// reads at most 4 MiB of arguments.
    @Test func listsAndLargeInputsAreBounded() {
        let values: [String: JSONValue] = [
            "commas": .string(String(repeating: ",", count: 64_000)), "big": .string(String(repeating: "a", count: 70_000)),
            "words": .string(String(repeating: "a,", count: 30_000)),
        ]
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("Split", [.attribute("commas"), c(",")], values).get() }
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("StripSpaces", [.attribute("big")], values).get() }
        let manyWords = AttributeMappingSource.function("Coalesce", (0..<60).map { _ in .function("Word", [.attribute("words"), c("2"), c(",")]) })
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = try? AttributeMapper.value(of: manyWords, in: values) }
        #expect(elapsed < .seconds(1), "\(elapsed)")
        // PCase can triple a text (ΐ), and is bounded as such.
        let tripled: [String: JSONValue] = ["x": .string(String(repeating: "\u{0390}", count: 16_384))]
        #expect(throws: MappingEvaluationError.self) { try self.evaluate("PCase", [.attribute("x"), .attribute("x")], tripled).get() }
    }

    /// A saved expression nests at most 32 functions (as a parsed one does), and an object mapping has at most 256
    /// attribute mappings.
    @Test func savedSchemasAreBounded() {
        let deep = (0..<40).reduce(AttributeMappingSource.attribute("mail")) { inner, _ in .function("ToLower", [inner]) }
        #expect(AttributeMapper.problem(in: deep)?.contains("deeper than 32") == true)
        var schema = SynchronizationSchema.defaultSCIM
        schema.synchronizationRules[0].objectMappings[0].attributeMappings = (0..<300).map { AttributeMapping(source: .attribute("mail"), target: "x\($0)") }
        #expect(schema.problem?.contains("at most 256") == true)
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
