import Foundation
import GraphSyncCore

/// Why a check did not pass: what the app did, and what Entra (or Microsoft's validation) expects instead.
struct Deviation: Error {
    var answered: String
    var expected: String

    var explanation: String { "Your app answered \(self.answered); Entra expects \(self.expected)." }
}

/// A check that cannot run (an earlier one it needs failed, or the app has no groups).
struct NotApplicable: Error {
    var reason: String
}

/// Runs checks one after another, records each result, and reports progress as each starts.
final class CheckRun {
    private(set) var results: [CheckResult] = []
    /// Set when a check could not reach the app at all (no answer, refused, TLS): the rest would only wait and fail.
    private(set) var unreachable = false
    let total: Int
    let progress: @Sendable (String) -> Void
    /// Credentials never written into a result, even when an app or token endpoint echoes them.
    private var secrets: [String]

    init(total: Int, redacting secrets: [String?] = [], progress: @escaping @Sendable (String) -> Void) {
        self.total = total
        self.secrets = secrets.compactMap { $0 }.filter { $0.count >= 4 }
        self.progress = progress
    }

    /// Adds a credential (a token obtained during the run) to what is redacted.
    func redact(_ secret: String) {
        if secret.count >= 4 { self.secrets.append(secret) }
    }

    /// Runs `body` as the check `id`; returns whether it passed.
    @discardableResult
    func check(_ id: String, _ title: String, _ body: () async throws -> Void) async -> Bool {
        self.progress("[\(self.results.count + 1)/\(self.total)] \(id): \(title)")
        let start = ContinuousClock.now
        var result = CheckResult(id: id, title: title, outcome: .passed)
        do {
            try await body()
        } catch let deviation as Deviation {
            result.outcome = .failed
            result.detail = deviation.explanation
        } catch let skip as NotApplicable {
            result.outcome = .skipped
            result.detail = skip.reason
        } catch let failure as SCIMProbe.Failure {
            result.outcome = .failed
            if case .unreachable(let reason) = failure { result.detail = "Your app could not be reached: \(reason)." }
            self.unreachable = true
        } catch {
            result.outcome = .failed
            result.detail = "\(error)"
        }
        // One line (apps' error texts span several), and no credential even if an app echoed one.
        result.detail = result.detail.map { detail in
            self.secrets.reduce(detail.split(whereSeparator: \.isWhitespace).joined(separator: " ")) { $0.replacingOccurrences(of: $1, with: "***") }
        }
        let elapsed = ContinuousClock.now - start
        result.seconds = elapsed.inSeconds
        if result.outcome == .failed, let detail = result.detail { self.progress("    FAIL \(detail)") }
        self.results.append(result)
        return result.outcome == .passed
    }

    /// Records a check as skipped without running it.
    func skip(_ id: String, _ title: String, because reason: String) {
        self.results.append(CheckResult(id: id, title: title, outcome: .skipped, detail: reason))
    }
}

/// Assertions for checks: each failure says what the app answered and what Entra expects.
enum Expect {
    static func status(_ response: ProbeResponse, _ accepted: Set<Int>, _ expected: String) throws {
        guard accepted.contains(response.status) else { throw Deviation(answered: response.summary, expected: expected) }
    }

    static func that(_ condition: Bool, answered: @autoclosure () -> String, expected: String) throws {
        guard condition else { throw Deviation(answered: answered(), expected: expected) }
    }
}
