import Foundation

/// The three ways a validation report is written: a terminal table, JSON, and JUnit XML for CI.
extension ValidationReport {
    /// A table for people: one line per check, each failure's explanation under it, then the totals.
    public func table() -> String {
        let width = max(self.checks.map(\.id.count).max() ?? 0, 10)
        var lines = ["", "  \("CHECK".padding(toLength: width, withPad: " ", startingAt: 0))  RESULT  WHAT"]
        var lastSkip: String?
        for check in self.checks {
            let mark = switch check.outcome {
            case .passed: "pass  "
            case .failed: "FAIL  "
            case .skipped: "skip  "
            }
            lines.append("  \(check.id.padding(toLength: width, withPad: " ", startingAt: 0))  \(mark)  \(check.title)")
            // A reason shared by consecutive skipped checks is shown once, under the first.
            if check.outcome != .passed, let detail = check.detail, check.outcome == .failed || detail != lastSkip {
                lines.append("  \(String(repeating: " ", count: width))          ↳ \(detail)")
            }
            lastSkip = check.outcome == .skipped ? check.detail : nil
        }
        lines.append("")
        lines.append("  \(self.passed) passed, \(self.failed) failed, \(self.skipped) skipped in \(String(format: "%.1f", self.seconds)) s "
            + "(\(self.tenantURL), \(self.dialect) requests)")
        return lines.joined(separator: "\n")
    }

    /// The report as JSON (stable keys, ISO 8601 date).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// JUnit XML: one test suite, one test case per check (a failure element with the explanation, or skipped).
    public func junit() -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="graphsync validate-app" tests="\#(self.checks.count)" failures="\#(self.failed)" skipped="\#(self.skipped)" time="\#(Self.seconds(self.seconds))">"# + "\n"
        xml += #"  <testsuite name="\#(Self.escape(self.tenantURL))" tests="\#(self.checks.count)" failures="\#(self.failed)" skipped="\#(self.skipped)" time="\#(Self.seconds(self.seconds))" timestamp="\#(ISO8601DateFormatter().string(from: self.startedAt))">"# + "\n"
        for check in self.checks {
            let classname = check.id.split(separator: ".").first.map(String.init) ?? "checks"
            let open = #"    <testcase classname="\#(Self.escape(classname))" name="\#(Self.escape(check.id)): \#(Self.escape(check.title))" time="\#(Self.seconds(check.seconds))""#
            switch check.outcome {
            case .passed:
                xml += open + "/>\n"
            case .failed:
                xml += open + ">\n      <failure message=\"\(Self.escape(check.detail ?? "failed"))\"/>\n    </testcase>\n"
            case .skipped:
                xml += open + ">\n      <skipped message=\"\(Self.escape(check.detail ?? "skipped"))\"/>\n    </testcase>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// Text as an XML attribute value: markup characters escaped, and characters XML 1.0 cannot hold dropped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\n": escaped += "&#10;"
            case "\t", "\r": escaped += " "
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
