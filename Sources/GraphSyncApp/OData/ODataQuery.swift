import Foundation
import GraphSyncCore
import Hummingbird

/// The OData system query options GraphSync honours: `$filter`, `$top`, `$skiptoken`, `$select`, `$count` (the option
/// or the `/$count` segment), and `$expand` of the navigation properties an endpoint names (`expandable`).
struct ODataQuery: Sendable {
    var clauses: [DirectoryQuery.Clause] = []
    var top: Int = 100
    var skipToken: String?
    var select: [String]?
    var expand: [Expansion] = []
    var orderBy: DirectoryQuery.Order?
    /// `$search`, as a clause ANDed with the filter's.
    var search: DirectoryQuery.Clause?
    /// `$count=true`, or the `/$count` segment.
    var count = false
    /// The request sent `ConsistencyLevel: eventual`, Graph's opt-in to advanced queries.
    var eventual = false

    /// One `$expand` item: a navigation property, with the `$select` nested in it, if any (`manager($select=id)`).
    struct Expansion: Sendable, Equatable {
        var property: String
        var select: [String]?
    }

    /// - Parameters:
    ///   - orderable: the endpoint sorts (`$orderby`); elsewhere the option is a 400, never ignored.
    init(_ request: Request, defaultTop: Int = 100, expandable: Set<String> = [], type: String = "", orderable: Bool = false) throws {
        self.top = defaultTop
        self.count = request.uri.path.hasSuffix("/$count")
        self.eventual = request.headers[.consistencyLevel]?.lowercased() == "eventual"
        for (option, value) in try QueryOptions(request).pairs where option.hasPrefix("$") {
            switch option {
            case "$top":
                guard let top = Int(value), (1...DirectoryQuery.maxTop).contains(top) else {
                    throw GraphError.badRequest("Invalid page size specified: '\(value.prefix(50))'. Must be between 1 and \(DirectoryQuery.maxTop) inclusive.")
                }
                self.top = top
            case "$filter":
                self.clauses = try FilterParser.parse(value)
            case "$skiptoken":
                self.skipToken = value
            case "$select":
                self.select = Self.selection(value)
            case "$expand" where !expandable.isEmpty:
                self.expand = try Self.expansions(value, expandable: expandable, type: type)
            case "$count":
                guard let count = Bool(value.lowercased()) else {
                    throw GraphError.badRequest("Invalid value '\(value.prefix(50))' for $count: expected true or false.", code: "BadRequest")
                }
                self.count = self.count || count
            case "$search":
                // Graph serves $search on directory objects only in an advanced query.
                guard self.eventual else {
                    throw GraphError.badRequest(
                        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
                        code: "Request_UnsupportedQuery")
                }
                self.search = try SearchParser.parse(value)
            case "$orderby" where orderable:
                self.orderBy = try Self.order(value)
            case "$format":
                continue
            default:
                throw GraphError.badRequest("Query option '\(option)' is not supported by this GraphSync endpoint.")
            }
        }
        if let search = self.search { self.clauses.append(search) }
    }

    /// Parses `$orderby`: one property, then `asc` or `desc` (Graph sorts directory objects by one property).
    static func order(_ value: String) throws -> DirectoryQuery.Order {
        let words = value.split(separator: " ", omittingEmptySubsequences: true)
        guard !value.contains(","), (1...2).contains(words.count), words.count == 1 || ["asc", "desc"].contains(words[1].lowercased()) else {
            throw GraphError.badRequest("Invalid $orderby '\(value.prefix(100))': expected one property, then asc or desc.", code: "BadRequest")
        }
        return DirectoryQuery.Order(field: String(words[0]), descending: words.count == 2 && words[1].lowercased() == "desc")
    }

    static func selection(_ value: some StringProtocol) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Parses `$expand`: comma-separated navigation properties, each with an optional `($select=…)`. Anything else
    /// nested (`$levels`, `$filter`…), or a property the endpoint cannot expand, is a 400 as in Graph.
    static func expansions(_ value: String, expandable: Set<String>, type: String) throws -> [Expansion] {
        var items: [Substring] = []
        var depth = 0, start = value.startIndex
        for index in value.indices {
            switch value[index] {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                items.append(value[start..<index])
                start = value.index(after: index)
            default: break
            }
            guard depth >= 0 else { throw GraphError.badRequest("Invalid $expand: unbalanced parentheses.", code: "BadRequest") }
        }
        guard depth == 0 else { throw GraphError.badRequest("Invalid $expand: unbalanced parentheses.", code: "BadRequest") }
        items.append(value[start...])
        var expansions: [Expansion] = []
        for item in items.map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let name = item.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
            guard let property = expandable.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw GraphError.badRequest("Could not find a property named '\(name.prefix(100))' on type 'microsoft.graph.\(type)'.", code: "BadRequest")
            }
            var select: [String]?
            if item.count > name.count {
                let options = item.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
                let inner = options.dropFirst().dropLast()
                guard options.hasPrefix("("), options.hasSuffix(")"), inner.lowercased().hasPrefix("$select=") else {
                    throw GraphError.badRequest(
                        "Only $select is supported inside $expand=\(property)(…); got '\(inner.prefix(100))'.", code: "BadRequest")
                }
                select = Self.selection(inner.dropFirst("$select=".count))
            }
            guard !expansions.contains(where: { $0.property == property }) else {
                throw GraphError.badRequest("Property '\(property)' is expanded more than once.", code: "BadRequest")
            }
            expansions.append(Expansion(property: property, select: select))
        }
        return expansions
    }

    /// The store query for this request, limited to what the caller's permission reaches. Directory objects count
    /// only in an advanced query (`ConsistencyLevel: eventual`), and sort a filtered query only in one with `$count` too,
    /// as in Graph.
    func directoryQuery(within scope: AccessScope) throws -> DirectoryQuery {
        if self.count, !self.eventual { throw GraphError.badRequest("$count is not currently supported.") }
        if let advanced = self.clauses.lazy.compactMap(\.advancedOperator).first, !self.eventual || !self.count {
            let missing = self.eventual ? "'$count=true' query parameter" : "'ConsistencyLevel:eventual' header"
            throw GraphError.badRequest(
                "Operator '\(advanced)' is not supported because the \(missing) is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
                code: "Request_UnsupportedQuery")
        }
        if self.orderBy != nil, self.clauses.count > (self.search == nil ? 0 : 1), !self.eventual || !self.count {
            throw GraphError.badRequest("Sorting not supported for current query.", code: "Request_UnsupportedQuery")
        }
        return DirectoryQuery(
            clauses: self.clauses, top: self.top, after: self.skipToken, ownedBy: scope.ownerId, count: self.count, orderBy: self.orderBy)
    }
}

/// Parses the `$filter` subset: `prop eq|ne|ge|le 'v'`, `prop eq|ne null`, `prop in ('a','b')`, `startswith(prop,'v')`,
/// `endswith(prop,'v')` and `not(…)` of any of them, joined by `and`.
enum FilterParser {
    static func parse(_ text: String) throws -> [DirectoryQuery.Clause] {
        var scanner = Scanner(text: text)
        var clauses: [DirectoryQuery.Clause] = []
        repeat {
            clauses.append(try self.clause(&scanner, source: text))
        } while scanner.consumeKeyword("and")
        scanner.skipSpaces()
        guard scanner.atEnd else { throw self.invalid(text, "unexpected '\(scanner.rest)'") }
        return clauses
    }

    private static func clause(_ scanner: inout Scanner, source: String) throws -> DirectoryQuery.Clause {
        scanner.skipSpaces()
        if scanner.consumeKeyword("not") {
            let parenthesized = scanner.consume("(")
            let inner = try self.clause(&scanner, source: source)
            guard !parenthesized || scanner.consume(")") else { throw self.invalid(source, "expected ')' to close not") }
            return .not(inner)
        }
        if let function = ["startswith", "endswith"].first(where: { scanner.consumeKeyword($0) }) {
            guard scanner.consume("(") else { throw self.invalid(source, "expected '(' after \(function)") }
            let field = try self.identifier(&scanner, source: source)
            guard scanner.consume(",") else { throw self.invalid(source, "expected ',' in \(function)") }
            guard let value = try self.literal(&scanner, source: source) else { throw self.invalid(source, "\(function) of null") }
            guard scanner.consume(")") else { throw self.invalid(source, "expected ')' to close \(function)") }
            return function == "startswith" ? .startsWith(field: field, value: value) : .endsWith(field: field, value: value)
        }
        let field = try self.identifier(&scanner, source: source)
        if scanner.consumeKeyword("eq") {
            return try self.literal(&scanner, source: source).map { .equals(field: field, value: $0) } ?? .isNull(field: field)
        }
        if scanner.consumeKeyword("ne") {
            return try self.literal(&scanner, source: source).map { .notEquals(field: field, value: $0) } ?? .not(.isNull(field: field))
        }
        for (keyword, make) in [("ge", DirectoryQuery.Clause.atLeast), ("le", DirectoryQuery.Clause.atMost)] where scanner.consumeKeyword(keyword) {
            guard let value = try self.literal(&scanner, source: source) else { throw self.invalid(source, "'\(keyword)' compares with null") }
            return make(field, value)
        }
        if scanner.consumeKeyword("in") {
            guard scanner.consume("(") else { throw self.invalid(source, "expected '(' after in") }
            var values: [String?] = [try self.literal(&scanner, source: source)]
            while scanner.consume(",") { values.append(try self.literal(&scanner, source: source)) }
            guard scanner.consume(")") else { throw self.invalid(source, "expected ')' to close the in list") }
            return .anyIn(field: field, values: values.compactMap { $0 })
        }
        throw self.invalid(source, "only 'eq', 'ne', 'ge', 'le', 'in', 'not', startswith() and endswith() are supported")
    }

    private static func identifier(_ scanner: inout Scanner, source: String) throws -> String {
        scanner.skipSpaces()
        let name = scanner.take { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "/" }
        guard !name.isEmpty else { throw self.invalid(source, "expected a property name") }
        return name
    }

    /// A quoted string, or a bare word (`true`, `5`, a GUID); bare `null` is nil.
    private static func literal(_ scanner: inout Scanner, source: String) throws -> String? {
        scanner.skipSpaces()
        if scanner.consume("'") {
            var value = ""
            while let character = scanner.next() {
                if character == "'" {
                    if scanner.consume("'") { value.append("'") } else { return value }
                } else {
                    value.append(character)
                }
            }
            throw self.invalid(source, "unterminated string literal")
        }
        let bare = scanner.take { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        guard !bare.isEmpty else { throw self.invalid(source, "expected a literal value") }
        return bare == "null" ? nil : bare
    }

    private static func invalid(_ source: String, _ reason: String) -> GraphError {
        GraphError.badRequest("Invalid filter clause '\(source)': \(reason).")
    }

    struct Scanner {
        let characters: [Character]
        var index = 0
        init(text: String) { self.characters = Array(text) }

        var atEnd: Bool { self.index >= self.characters.count }
        var rest: String { String(self.characters[min(self.index, self.characters.count)...]) }

        mutating func skipSpaces() { while !self.atEnd, self.characters[self.index].isWhitespace { self.index += 1 } }

        mutating func next() -> Character? {
            guard !self.atEnd else { return nil }
            defer { self.index += 1 }
            return self.characters[self.index]
        }

        mutating func consume(_ character: Character) -> Bool {
            self.skipSpaces()
            guard !self.atEnd, self.characters[self.index] == character else { return false }
            self.index += 1
            return true
        }

        mutating func consumeKeyword(_ word: String) -> Bool {
            self.skipSpaces()
            let end = self.index + word.count
            guard end <= self.characters.count, String(self.characters[self.index..<end]).lowercased() == word else { return false }
            if end < self.characters.count, self.characters[end].isLetter { return false }
            self.index = end
            return true
        }

        mutating func take(while predicate: (Character) -> Bool) -> String {
            let start = self.index
            while !self.atEnd, predicate(self.characters[self.index]) { self.index += 1 }
            return String(self.characters[start..<self.index])
        }
    }
}
