import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GraphSyncValidation
import Testing

/// validate-app's report in its three forms: what people read, what CI parses.
@Suite struct ValidationReportTests {
    let report = ValidationReport(
        tenantURL: "https://app.test/scim/v2", dialect: "entra", startedAt: Date(timeIntervalSince1970: 1_800_000_000), seconds: 1.5,
        checks: [
            CheckResult(id: "connection.test", title: "Test Connection", outcome: .passed, seconds: 0.1),
            CheckResult(id: "users.create", title: "POST <Users> & \"friends\"", outcome: .failed,
                        detail: "Your app answered HTTP 400 (bad \u{1}value <x>); Entra expects 201.", seconds: 0.2),
            CheckResult(id: "groups.create", title: "groups", outcome: .skipped, detail: "--no-groups"),
            CheckResult(id: "groups.rename", title: "rename", outcome: .skipped, detail: "--no-groups"),
        ])

    @Test func junitXMLIsWellFormedWithEveryFailureExplained() throws {
        let xml = self.report.junit()
        let document = try XMLDocument(data: Data(xml.utf8))
        let suite = try #require(document.rootElement()?.elements(forName: "testsuite").first)
        #expect(suite.attribute(forName: "tests")?.stringValue == "4" && suite.attribute(forName: "failures")?.stringValue == "1")
        #expect(suite.attribute(forName: "skipped")?.stringValue == "2")
        let cases = suite.elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "classname")?.stringValue } == ["connection", "users", "groups", "groups"])
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "Your app answered HTTP 400 (bad value <x>); Entra expects 201.",
                "markup escaped, a control character XML cannot hold dropped")
        #expect(cases[1].attribute(forName: "name")?.stringValue == "users.create: POST <Users> & \"friends\"")
    }

    @Test func theTableShowsEachFailureUnderItsCheckAndASharedSkipReasonOnce() {
        let lines = self.report.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let failed = lines.firstIndex { $0.contains("users.create") && $0.contains("FAIL") }
        #expect(failed != nil && lines[failed! + 1].contains("↳ Your app answered HTTP 400"))
        #expect(lines.filter { $0.contains("↳ --no-groups") }.count == 1)
        #expect(lines.last?.contains("1 passed, 1 failed, 2 skipped in 1.5 s (https://app.test/scim/v2, entra requests)") == true)
        #expect(!self.report.succeeded)
    }

    @Test func jsonRoundTrips() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(ValidationReport.self, from: try self.report.json())
        #expect(decoded.checks == self.report.checks && decoded.startedAt == self.report.startedAt && decoded.dialect == "entra")
    }
}
