import Foundation

/// How one check of `graphsync validate-app` ended.
public enum CheckOutcome: String, Sendable, Codable {
    case passed, failed, skipped
}

/// One named check: what it tests, how it ended, and for a failure what the app answered and what Entra expects.
public struct CheckResult: Sendable, Codable, Equatable {
    /// A stable name (`users.create-duplicate`), for CI reports and for telling checks apart.
    public var id: String
    public var title: String
    public var outcome: CheckOutcome
    /// For a failure: "Your app answered …; Entra expects …". For a skip: why.
    public var detail: String?
    public var seconds: Double

    public init(id: String, title: String, outcome: CheckOutcome, detail: String? = nil, seconds: Double = 0) {
        self.id = id
        self.title = title
        self.outcome = outcome
        self.detail = detail
        self.seconds = seconds
    }
}

/// The result of a validation run.
public struct ValidationReport: Sendable, Codable {
    /// The Tenant URL validated (without credentials).
    public var tenantURL: String
    /// The request dialect used (`entra`, `entraPatch2020`, `rfc7644`).
    public var dialect: String
    public var startedAt: Date
    public var seconds: Double
    public var checks: [CheckResult]

    public init(tenantURL: String, dialect: String, startedAt: Date, seconds: Double, checks: [CheckResult]) {
        self.tenantURL = tenantURL
        self.dialect = dialect
        self.startedAt = startedAt
        self.seconds = seconds
        self.checks = checks
    }

    public var passed: Int { self.checks.count { $0.outcome == .passed } }
    public var failed: Int { self.checks.count { $0.outcome == .failed } }
    public var skipped: Int { self.checks.count { $0.outcome == .skipped } }
    public var succeeded: Bool { self.failed == 0 }
}
