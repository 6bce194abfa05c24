import Foundation
/// A filtered, paged read of a directory collection, already parsed from OData (`$filter`, `$top`, `$skiptoken`).
public struct DirectoryQuery: Sendable, Hashable {
    /// One `$filter` clause; clauses are ANDed.
    public indirect enum Clause: Sendable, Hashable {
        case equals(field: String, value: String)
        case startsWith(field: String, value: String)
        case anyIn(field: String, values: [String])
        /// `ne`: a missing value differs from every value, as in Graph.
        case notEquals(field: String, value: String)
        case endsWith(field: String, value: String)
        /// `ge`, `le`.
        case atLeast(field: String, value: String)
        case atMost(field: String, value: String)
        /// `eq null`; `ne null` is `not(isNull)`.
        case isNull(field: String)
        /// `not(…)`: true wherever the clause is not (a missing value included).
        case not(Clause)
        /// `$search="field:word"`: a word of the value starts with `word` (words are split at spaces).
        case hasWord(field: String, word: String)
        /// Every one of the clauses (`AND` in `$search`).
        case allOf([Clause])
        /// One of the clauses at least (`OR` in `$search`).
        case anyOf([Clause])

        /// The properties the clause tests.
        public var fields: [String] {
            switch self {
            case .equals(let field, _), .startsWith(let field, _), .anyIn(let field, _), .notEquals(let field, _), .endsWith(let field, _),
                .atLeast(let field, _), .atMost(let field, _), .isNull(let field), .hasWord(let field, _):
                [field]
            case .not(let clause): clause.fields
            case .allOf(let clauses), .anyOf(let clauses): clauses.flatMap(\.fields)
            }
        }

        /// The operator Graph serves only in an advanced query (`ConsistencyLevel: eventual` and `$count=true`), if
        /// the clause uses one: `ne`, `not`, `endsWith` and `null` comparisons, from Graph's advanced-query tables.
        public var advancedOperator: String? {
            switch self {
            case .notEquals: "ne"
            case .endsWith: "endsWith"
            case .isNull: "eq null"
            case .not(.isNull): "ne null"
            case .not: "not"
            case .equals, .startsWith, .anyIn, .atLeast, .atMost, .hasWord, .allOf, .anyOf: nil
            }
        }
    }

    /// `$orderby`: one property, ascending or descending; ties (and no order) go by id.
    public struct Order: Sendable, Hashable {
        public var field: String
        public var descending: Bool

        public init(field: String, descending: Bool = false) {
            self.field = field
            self.descending = descending
        }
    }

    public var clauses: [Clause]
    public var top: Int
    /// Opaque continuation from the previous page (its last object's sort key and id).
    public var after: String?
    public var orderBy: Order?
    /// Restrict to objects owned by this principal (OwnedBy callers).
    public var ownedBy: String?
    /// Also count every object the query matches, across all pages (`$count`).
    public var count: Bool

    public init(clauses: [Clause] = [], top: Int = 100, after: String? = nil, ownedBy: String? = nil, count: Bool = false, orderBy: Order? = nil) {
        self.clauses = clauses
        self.orderBy = orderBy
        self.top = top
        self.after = after
        self.ownedBy = ownedBy
        self.count = count
    }

    /// Largest page Graph serves for directory objects.
    public static let maxTop = 999
}

/// One page of a collection and the continuation for the next one, if any.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var next: String?
    /// The number of matching objects on all pages, when the query asked for it.
    public var count: Int?

    public init(items: [Element], next: String?, count: Int? = nil) {
        self.items = items
        self.next = next
        self.count = count
    }
}

/// Errors a store reports in domain terms; the HTTP layer maps them to Graph errors.
public enum StoreError: Error, Sendable, Equatable {
    /// A uniqueness rule was violated (for example a second service principal for one appId).
    case conflict(String)
    /// A referenced object does not exist.
    case missingReference(String)
    /// A `$filter` field this collection cannot be filtered on.
    case unsupportedFilter(String)
    /// An `$orderby` field this collection cannot be sorted by.
    case unsupportedSort(String)
    /// A `$skiptoken` this store did not issue for this query.
    case invalidSkipToken
}
