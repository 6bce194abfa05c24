import Foundation

/// An object mapping's scoping filters (Graph's `filter`): an object is in scope when all the clauses of at least one
/// group hold. Clauses compare the object's source attributes, case-sensitively; a missing value fails a clause
/// (except `IS NULL`).
public struct ScopingFilter: Sendable, Codable, Equatable {
    public var groups: [FilterGroup]?
    public var inputFilterGroups: [FilterGroup]?
    public var categoryFilterGroups: [FilterGroup]?

    public init(groups: [FilterGroup]) {
        self.groups = groups
        self.inputFilterGroups = []
        self.categoryFilterGroups = []
    }

    public struct FilterGroup: Sendable, Codable, Equatable {
        public var name: String?
        public var clauses: [Clause]

        public init(name: String? = nil, clauses: [Clause]) {
            self.name = name
            self.clauses = clauses
        }
    }

    public struct Clause: Sendable, Codable, Equatable {
        public var operatorName: String
        public var sourceOperandName: String
        public var targetOperand: Operand?

        public init(_ sourceOperandName: String, _ operatorName: String, _ values: [String] = []) {
            self.operatorName = operatorName
            self.sourceOperandName = sourceOperandName
            self.targetOperand = Operand(values: values)
        }
    }

    public struct Operand: Sendable, Codable, Equatable {
        public var values: [String]?
    }
}

extension ScopingFilter {
    /// The operators Entra's scoping filters offer, by their normalized names (upper case, no spaces or underscores).
    /// The operator names scoping filters may use (`schema/filterOperators`).
    public static var operatorNames: [String] { Operator.allCases.map(\.rawValue) }

    enum Operator: String, CaseIterable {
        case equals = "EQUALS", notEquals = "NOTEQUALS", isTrue = "ISTRUE", isFalse = "ISFALSE", isNull = "ISNULL", isNotNull = "ISNOTNULL"
        case endsWith = "ENDSWITH", includes = "INCLUDES", regexMatch = "REGEXMATCH", notRegexMatch = "NOTREGEXMATCH"
        case greaterThan = "GREATERTHAN", greaterThanOrEquals = "GREATERTHANOREQUALS", bitAnd = "&", notBitAnd = "!&"

        init?(name: String) {
            let normalized = name.uppercased().filter { $0 != " " && $0 != "_" }
            switch normalized {
            case "BITAND": self = .bitAnd
            case "NOTBITAND": self = .notBitAnd
            default: self.init(rawValue: normalized)
            }
        }
    }

    /// Whether an object with these source values is in scope: true, false, or nil when a regular expression ran out
    /// of its time budget and the answer is unknown (the engine then leaves the object as it is).
    public func admits(_ source: [String: JSONValue]) -> Bool? {
        let groups = self.groups ?? []
        if groups.isEmpty { return true }
        var undecided = false
        for group in groups {
            var holds = true
            for clause in group.clauses {
                guard let verdict = clause.holds(for: source) else {
                    undecided = true
                    holds = false
                    break
                }
                if !verdict {
                    holds = false
                    break
                }
            }
            if holds { return true }
        }
        return undecided ? nil : false
    }

    /// Whether any clause matches a regular expression (evaluated off the cooperative thread pool).
    public var usesRegularExpressions: Bool {
        (self.groups ?? []).flatMap(\.clauses).contains { clause in
            ScopingFilter.Operator(name: clause.operatorName).map { $0 == .regexMatch || $0 == .notRegexMatch } ?? false
        }
    }

    /// What is wrong with the filter (an unknown operator, a bad pattern or number), or nil.
    public var problem: String? {
        for clause in (self.groups ?? []).flatMap(\.clauses) {
            guard let op = Operator(name: clause.operatorName) else {
                return "Scoping filter operator '\(clause.operatorName)' is not supported; use \(Operator.allCases.map(\.rawValue).joined(separator: ", "))."
            }
            let values = clause.targetOperand?.values ?? []
            switch op {
            case .equals, .notEquals, .endsWith, .includes, .regexMatch, .notRegexMatch, .greaterThan, .greaterThanOrEquals, .bitAnd, .notBitAnd:
                guard !values.isEmpty else { return "Scoping filter clause on '\(clause.sourceOperandName)' (\(clause.operatorName)) needs a value." }
            case .isTrue, .isFalse, .isNull, .isNotNull:
                break
            }
            if op == .regexMatch || op == .notRegexMatch, let problem = BoundedRegex.problem(in: values[0]) {
                return "Scoping filter clause on '\(clause.sourceOperandName)': the regular expression \(problem)."
            }
            if [.greaterThan, .greaterThanOrEquals, .bitAnd, .notBitAnd].contains(op), Int64(values[0]) == nil {
                return "Scoping filter clause on '\(clause.sourceOperandName)' (\(clause.operatorName)) needs an integer value."
            }
        }
        return nil
    }
}

extension ScopingFilter.Clause {
    /// Whether the clause holds; nil when a regular expression ran out of its time budget.
    func holds(for source: [String: JSONValue]) -> Bool? {
        guard let op = ScopingFilter.Operator(name: self.operatorName) else { return false }
        let value = source[self.sourceOperandName].flatMap(MappingFunction.text)
        let targets = self.targetOperand?.values ?? []
        switch op {
        case .isNull: return value == nil
        case .isNotNull: return value != nil
        default: break
        }
        guard let value, let first = targets.first ?? (op == .isTrue || op == .isFalse ? "" : nil) else { return false }
        switch op {
        case .equals: return targets.contains(value)
        case .notEquals: return !targets.contains(value)
        case .isTrue: return value == "True"
        case .isFalse: return value == "False"
        case .endsWith: return value.hasSuffix(first)
        case .includes: return targets.contains { value.contains($0) }
        case .regexMatch, .notRegexMatch:
            guard let matched = BoundedRegex.matches(first, value) else { return nil }
            return matched == (op == .regexMatch)
        case .greaterThan, .greaterThanOrEquals, .bitAnd, .notBitAnd:
            guard let number = Int64(value), let target = Int64(first) else { return false }
            switch op {
            case .greaterThan: return number > target
            case .greaterThanOrEquals: return number >= target
            case .bitAnd: return number & target != 0
            default: return number & target == 0
            }
        case .isNull, .isNotNull: return false
        }
    }
}
