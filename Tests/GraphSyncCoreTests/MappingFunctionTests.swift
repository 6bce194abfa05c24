import Foundation
import GraphSyncCore
import Testing

/// Entra's expression functions, evaluated through attribute mappings as a job evaluates them.
@Suite struct MappingFunctionTests {
    let values: [String: JSONValue] = [
        "givenName": .string("José"), "surname": .string("de la Cruz"), "displayName": .string("josé de la cruz"),
        "mail": .string("jose@example.test"), "proxyAddresses": .array([.string("SMTP:a@x"), .string("smtp:b@x"), .string("SMTP:a@x")]),
        "lastLogonTimestamp": .string("133500000000000000"), "whenCreated": .string("20240131123000.0Z"), "accountEnabled": .bool(true),
        "empty": .string(""),
    ]

    func evaluate(_ name: String, _ parameters: [AttributeMappingSource]) -> JSONValue? {
        try? AttributeMapper.value(of: .function(name, parameters), in: self.values)
    }

    func a(_ name: String) -> AttributeMappingSource { .attribute(name) }
    func c(_ value: String) -> AttributeMappingSource { .constant(value) }

    @Test func text() {
        #expect(self.evaluate("Mid", [a("surname"), c("4"), c("2")]) == .string("la"))
        #expect(self.evaluate("Left", [a("givenName"), c("3")]) == .string("Jos"))
        #expect(self.evaluate("Word", [a("surname"), c("3"), c(" ")]) == .string("Cruz"))
        #expect(self.evaluate("PCase", [a("displayName")]) == .string("José De La Cruz"))
        #expect(self.evaluate("NormalizeDiacritics", [a("givenName")]) == .string("Jose"))
        #expect(self.evaluate("Replace", [a("mail"), c("@example.test"), c(""), c(""), c("@corp.test")]) == .string("jose@corp.test"))
        #expect(self.evaluate("InStr", [a("mail"), c("@")]) == .number(5))
        #expect(self.evaluate("Join", [c(";"), a("givenName"), a("surname")]) == .string("José;de la Cruz"))
    }

    @Test func conditionsAndLists() {
        #expect(self.evaluate("IIF", [.function("IsPresent", [a("mail")]), a("mail"), c("none")]) == .string("jose@example.test"))
        #expect(self.evaluate("IIF", [.function("IsNullOrEmpty", [a("empty")]), c("was empty"), a("mail")]) == .string("was empty"))
        #expect(self.evaluate("Count", [a("proxyAddresses")]) == .number(3))
        #expect(self.evaluate("Item", [a("proxyAddresses"), c("2")]) == .string("smtp:b@x"))
        #expect(self.evaluate("RemoveDuplicates", [a("proxyAddresses")]) == .array([.string("SMTP:a@x"), .string("smtp:b@x")]))
        #expect(self.evaluate("Split", [a("mail"), c("@")]) == .array([.string("jose"), .string("example.test")]))
        #expect(self.evaluate("SelectUniqueValue", [a("empty"), a("mail")]) == .string("jose@example.test"))
        #expect(self.evaluate("CBool", [a("accountEnabled")]) == .bool(true))
    }

    @Test func datesAndEncodings() {
        #expect(self.evaluate("FormatDateTime", [a("whenCreated"), c("yyyyMMddHHmmss.fZ"), c("yyyy-MM-dd")]) == .string("2024-01-31"))
        #expect(self.evaluate("DateFromNum", [a("lastLogonTimestamp")]) == .string("2024-01-17T21:20:00Z"))
        #expect(self.evaluate("NumFromDate", [c("2024-01-17T21:20:00Z")]) == .string("133500000000000000"))
        #expect(self.evaluate("DateAdd", [c("d"), c("3"), c("2024-01-30T00:00:00Z")]) == .string("2024-02-02T00:00:00Z"))
        #expect(self.evaluate("DateDiff", [c("d"), c("2024-01-30T00:00:00Z"), c("2024-02-02T00:00:00Z")]) == .number(3))
        #expect(self.evaluate("ConvertToBase64", [c("Hi")]) == .string("SABpAA=="))
        #expect(self.evaluate("ConvertToUTF8Hex", [c("é")]) == .string("c3a9"))
        if case .string(let random)? = self.evaluate("RandomString", [c("12"), c("2"), c("1")]) {
            #expect(random.count == 12 && random.filter(\.isNumber).count >= 2)
        } else {
            Issue.record("RandomString gave no value")
        }
    }

    @Test func unsupportedFormsAreRefusedWhenSaved() {
        #expect(AttributeMapper.problem(in: .function("Replace", [a("mail"), c(""), c("(.*)@"), c(""), c("x")]))?.contains("regexPattern") == true)
        #expect(AttributeMapper.problem(in: .function("AppRoleAssignmentsComplex", [a("appRoleAssignments")]))?.contains("not supported") == true)
        #expect(AttributeMapper.problem(in: .function("mid", [a("mail"), c("1"), c("2")])) == nil, "names match case-insensitively")
        #expect(AttributeMapper.problem(in: .function("Mid", [a("mail")]))?.contains("takes 3") == true)
    }
}

/// Expressions as Entra's mapping editor writes them, parsed into the source tree a schema stores.
@Suite struct MappingExpressionTests {
    @Test func entrasExpressionsParse() throws {
        let join = try MappingExpression.parse(#"Join(" ", [givenName], [surname])"#)
        #expect(join.type == "Function" && join.name == "Join")
        #expect(join.parameters?.map(\.value) == [.constant(" "), .attribute("givenName"), .attribute("surname")])
        // Entra's default for `active`, with an empty argument.
        let active = try MappingExpression.parse(#"Switch([IsSoftDeleted], , "False", "True", "True", "False")"#)
        #expect(active.parameters?.map(\.value.name) == ["IsSoftDeleted", "", "False", "True", "True", "False"])
        #expect(try AttributeMapper.value(of: active, in: ["IsSoftDeleted": .bool(false)]) == .bool(true))
        let nested = try MappingExpression.parse(#"ToLower(Mid([mailNickname], 1, 3), "en-US")"#)
        #expect(try AttributeMapper.value(of: nested, in: ["mailNickname": .string("ADAMS")]) == .string("ada"))
        #expect(try MappingExpression.parse(#""say \"hi\"""#) == .constant(#"say "hi""#))
        #expect(try MappingExpression.parse("[userPrincipalName]") == .attribute("userPrincipalName"))
    }

    /// Entra's documented condition: `IIF([country]="USA", [country], [department])`.
    @Test func comparisonsAreIIFsConditions() throws {
        let iif = try MappingExpression.parse(#"IIF([country]="USA",[country],[department])"#)
        #expect(iif.parameters?.first?.value == .function("Equals", [.attribute("country"), .constant("USA")]))
        #expect(try AttributeMapper.value(of: iif, in: ["country": .string("USA"), "department": .string("Sales")]) == .string("USA"))
        #expect(try AttributeMapper.value(of: iif, in: ["country": .string("usa"), "department": .string("Sales")]) == .string("Sales"))
        #expect(try AttributeMapper.value(of: iif, in: ["department": .string("Sales")]) == .string("Sales"), "no value is not \"USA\"")
        let spaced = try MappingExpression.parse(#"IIF( [accountEnabled] = "True" , "on", "off")"#)
        #expect(try AttributeMapper.value(of: spaced, in: ["accountEnabled": .bool(true)]) == .string("on"))
    }

    @Test func brokenExpressionsSayWhere() {
        for (text, words) in [
            ("Join(\" \", [givenName]", "not closed"), ("[givenName", "not closed"), ("IIF([c]<\"US\", 1, 2)", "'=' only"), ("[a] = ", "ends where a value"),
            ("Mid([a], 1, 3) extra", "Unexpected"), (String(repeating: "Not(", count: 40) + "[a]" + String(repeating: ")", count: 40), "deeper"),
        ] {
            #expect(throws: MappingExpression.Invalid.self) { try MappingExpression.parse(text) }
            do { _ = try MappingExpression.parse(text) } catch { #expect(error.message.contains(words), "\(text): \(error.message)") }
        }
    }
}
