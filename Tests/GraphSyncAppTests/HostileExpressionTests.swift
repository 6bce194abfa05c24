import Foundation
import GraphSyncCore
import Testing

/// The security review's requests: expressions that crashed the node (`DateAdd` past 64 bits) or held a thread for
/// 26 s (`RandomString` with a count of 16 million), sent to `parseExpression` and saved in a job's schema.
@Suite struct HostileExpressionTests {
    @Test func parseExpressionAnswersEachAtOnceAndTheServerStaysUp() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (base, jobId) = try await server.scimJob(admin: admin)
            let clock = ContinuousClock()
            for expression in [
                #"DateAdd("q","9223372036854775807","2020-01-01T00:00:00Z")"#, #"RandomString(1,"16000000")"#,
                #"NumFromDate(DateAdd("yyyy","30000","2020-01-01T00:00:00Z"))"#, #"DateFromNum("1e30")"#,
            ] {
                let started = clock.now
                let answer = try await server.send(.POST, "\(base)/\(jobId)/schema/parseExpression", token: admin, json: ["expression": expression])
                #expect(clock.now - started < .seconds(1), "\(expression)")
                #expect(answer.status == 200, "\(expression): \(answer.text)")
                #expect(answer["parsingSucceeded"] as? Bool == false || answer["evaluationSucceeded"] as? Bool == false, "\(expression): \(answer.text)")
                #expect(((answer["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false, "\(expression): \(answer.text)")
            }
            // The attack on the first fix: a 35-digit fraction reached ICU's parser (SIGFPE), and naive searches took 30 s.
            let fraction = "20240131123000." + String(repeating: "0", count: 35) + "Z"
            for (expression, value) in [
                (#"FormatDateTime([x], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")"#, fraction), ("CDate([x])", fraction), ("NumFromDate([x])", fraction),
                ("InStr([x], Join(\"\", Left([x], 20000), \"b\"))", String(repeating: "a", count: 60_000)),
                ("Replace([x], Left([x], 20000), , , \"z\")", String(repeating: "a", count: 60_000)),
            ] {
                let started = clock.now
                let answer = try await server.send(.POST, "\(base)/\(jobId)/schema/parseExpression", token: admin, json: [
                    "expression": expression, "testInputObject": ["properties": [["key": "x", "value": value]]],
                ])
                #expect(answer.status == 200, "\(expression): \(answer.text.prefix(300))")
                #expect(clock.now - started < .seconds(1), "\(expression)")
            }
            // An expression that fails only for some input parses, and says why it failed for this one.
            let forInput = try await server.send(.POST, "\(base)/\(jobId)/schema/parseExpression", token: admin, json: [
                "expression": #"DateAdd("yyyy", [extensionAttribute1], "2020-01-01T00:00:00Z")"#,
                "testInputObject": ["properties": [["key": "extensionAttribute1", "value": "9000"]]],
            ])
            #expect(forInput["parsingSucceeded"] as? Bool == true && forInput["evaluationSucceeded"] as? Bool == false, "\(forInput.text)")
            #expect(((forInput["error"] as? [String: Any])?["message"] as? String)?.contains("1–9999") == true, "\(forInput.text)")
            #expect(try await server.send(.GET, "/health").status == 200)
        }
    }

    @Test func aSchemaWithAHostileConstantIsRefusedWhenSaved() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (base, jobId) = try await server.scimJob(admin: admin)
            let constant = { (value: String) -> [String: Any] in ["type": "Constant", "name": value] }
            let schema = try await server.schema(base, jobId, admin: admin) { attributes in
                attributes.append([
                    "targetAttributeName": "title",
                    "source": ["type": "Function", "name": "DateAdd", "parameters": [
                        ["key": "interval", "value": constant("q")], ["key": "number", "value": constant("9223372036854775807")],
                        ["key": "dateTime", "value": ["type": "Attribute", "name": "employeeHireDate"]],
                    ]],
                ])
            }
            let refused = try await server.send(.PUT, "\(base)/\(jobId)/schema", token: admin, json: schema)
            #expect(refused.status == 400, "\(refused.text)")
            #expect(refused.errorMessage?.contains("DateAdd") == true, "\(refused.text)")
        }
    }
}
