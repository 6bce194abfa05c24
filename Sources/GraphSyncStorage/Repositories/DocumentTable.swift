import Foundation
import GraphSyncCore
import SQLKit

/// A table that stores each object as a JSON document beside the columns it is looked up and filtered by.
///
/// Shared by the directory repositories so each of them states only its table, columns and rules.
struct DocumentTable<Model: Codable & Sendable>: Sendable {
    /// A Graph property that can be filtered on, and its column.
    struct Field: Sendable {
        var column: String
        /// Lowercased in storage and in comparisons (Graph compares these case-insensitively).
        var caseInsensitive: Bool
        /// `$orderby` takes it; an index on (column, id) serves each page.
        var sortable = false
    }

    let name: String
    /// Filterable Graph property name → column. `id` is always filterable.
    let fields: [String: Field]
    /// The indexed column values of a model (not including `id` and `document`).
    let columnValues: @Sendable (Model) -> [(String, any Encodable & Sendable)]
    let id: @Sendable (Model) -> String
    /// Decoded documents by their text, for tables read on every request; nil decodes every row.
    var cache: DecodedDocumentCache<Model>? = nil

    func insert(_ model: Model, on db: any SQLDatabase) async throws {
        try await self.insert([model], on: db)
    }

    /// Inserts `models` in one statement.
    func insert(_ models: [Model], on db: any SQLDatabase) async throws {
        try await self.insertion(of: models, on: db)?.run()
    }

    /// Inserts `models`, replacing those whose id exists, in one statement.
    func upsert(_ models: [Model], on db: any SQLDatabase) async throws {
        guard let insert = try self.insertion(of: models, on: db), let first = models.first else { return }
        let columns = ["document"] + self.columnValues(first).map(\.0)
        try await insert.onConflict(with: ["id"]) { update in
            columns.reduce(update) { $0.set(excludedValueOf: $1) }
        }.run()
    }

    /// One multi-row INSERT of `models`; nil when there are none.
    private func insertion(of models: [Model], on db: any SQLDatabase) throws -> SQLInsertBuilder? {
        guard let first = models.first else { return nil }
        let insert = db.insert(into: self.name).columns(["id", "document"] + self.columnValues(first).map(\.0))
        for model in models {
            insert.values([SQLBind(self.id(model)), SQLBind(try Self.encode(model))] + self.columnValues(model).map { SQLBind($0.1) })
        }
        return insert
    }

    func update(_ model: Model, on db: any SQLDatabase) async throws {
        let query = db.update(self.name).set("document", to: SQLBind(try Self.encode(model)))
        for (column, value) in self.columnValues(model) { query.set(SQLIdentifier(column), to: SQLBind(value)) }
        try await query.where("id", .equal, SQLBind(self.id(model))).run()
    }

    func first(where column: String, equals value: String, on db: any SQLDatabase) async throws -> Model? {
        try await db.select().column("document").from(self.name).where(SQLIdentifier(column), .equal, SQLBind(value)).limit(1)
            .first().map { try self.decode($0) }
    }

    func all(where column: String, equals value: String, on db: any SQLDatabase) async throws -> [Model] {
        try await db.select().column("document").from(self.name).where(SQLIdentifier(column), .equal, SQLBind(value)).orderBy("id")
            .all().map { try self.decode($0) }
    }

    func all(where column: String, in values: [String], on db: any SQLDatabase) async throws -> [Model] {
        guard !values.isEmpty else { return [] }
        return try await db.select().column("document").from(self.name).where(SQLIdentifier(column), .in, values).orderBy("id")
            .all().map { try self.decode($0) }
    }

    func exists(id: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.select().column("id").from(self.name).where("id", .equal, SQLBind(id)).limit(1).first() != nil
    }

    func delete(where column: String, equals value: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: self.name).where(SQLIdentifier(column), .equal, SQLBind(value)).run()
    }

    /// One page of the objects matching `query` (and, when given, whose `column` is `value`), in the query's order
    /// then by id; with their number on all pages when `query.count` asks for it. With an order, the continuation
    /// holds the last row's sort key beside its id, so the next page starts after both.
    func list(_ query: DirectoryQuery, where condition: (column: String, value: String)? = nil, on db: any SQLDatabase) async throws -> Page<Model> {
        let top = min(max(query.top, 1), DirectoryQuery.maxTop)
        let rows = try await self.pageQuery(query, where: condition, on: db).all()
        let items = try rows.prefix(top).map { try self.decode($0) }
        var next: String?
        if rows.count > top {
            let id = try rows[top - 1].decode(column: "id", as: String.self)
            next = query.orderBy == nil ? id : PageToken.make(value: try rows[top - 1].decode(column: "sort_key", as: String.self), id: id)
        }
        var count: Int?
        if query.count {
            let counting = try self.matching(query, condition, db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(self.name))
            count = try await counting.first()?.decode(column: "n", as: Int.self)
        }
        return Page(items: items, next: next, count: count)
    }

    /// The SELECT of one page, one row more than `query.top` (that row says whether a next page exists).
    func pageQuery(_ query: DirectoryQuery, where condition: (column: String, value: String)? = nil, on db: any SQLDatabase) throws -> SQLSelectBuilder {
        let key = try query.orderBy.map { (column: try self.sortColumn($0.field), descending: $0.descending) }
        let select = try self.matching(query, condition, db.select().column("id").column("document").from(self.name))
        let direction: SQLDirection = key?.descending == true ? .descending : .ascending
        if let key {
            select.column(SQLIdentifier(key.column), as: "sort_key")
            if let after = query.after {
                let (value, id) = try PageToken.parse(after)
                let comparison = key.descending ? "<" : ">"
                select.where(SQLQueryString("(\(ident: key.column), id) \(unsafeRaw: comparison) (\(bind: value), \(bind: id))"))
            }
            select.orderBy(SQLIdentifier(key.column), direction)
        } else if let after = query.after {
            select.where("id", .greaterThan, SQLBind(after))
        }
        return select.orderBy(SQLIdentifier("id"), direction).limit(min(max(query.top, 1), DirectoryQuery.maxTop) + 1)
    }

    private func sortColumn(_ field: String) throws -> String {
        guard let mapped = self.fields.first(where: { $0.key.caseInsensitiveCompare(field) == .orderedSame })?.value, mapped.sortable else {
            throw StoreError.unsupportedSort(field)
        }
        return mapped.column
    }

    /// `select` restricted to the rows `query` (its clauses and owner, not its page) and `condition` match.
    private func matching(_ query: DirectoryQuery, _ condition: (column: String, value: String)?, _ select: SQLSelectBuilder) throws -> SQLSelectBuilder {
        try self.apply(query.clauses, to: select)
        if let condition { select.where(SQLIdentifier(condition.column), .equal, SQLBind(condition.value)) }
        if let owner = query.ownedBy {
            select.where(SQLQueryString("id IN (SELECT object_id FROM owners WHERE owner_id = \(bind: owner))"))
        }
        return select
    }

    /// Every object matching `query` (no paging), ordered by id.
    func list(all query: DirectoryQuery, on db: any SQLDatabase) async throws -> [Model] {
        let select = db.select().column("document").from(self.name)
        try self.apply(query.clauses, to: select)
        return try await select.orderBy("id").all().map { try self.decode($0) }
    }

    private func apply(_ clauses: [DirectoryQuery.Clause], to select: SQLSelectBuilder) throws {
        for clause in clauses { select.where(try self.condition(clause)) }
    }

    /// The SQL condition of one clause; case-insensitive columns are compared lowercased.
    private func condition(_ clause: DirectoryQuery.Clause) throws -> any SQLExpression {
        switch clause {
        case .equals(let field, let value):
            let (column, value) = try self.resolve(field, value)
            return SQLBinaryExpression(SQLIdentifier(column), .equal, SQLBind(value))
        case .startsWith(let field, let value), .endsWith(let field, let value):
            let (column, value) = try self.resolve(field, value)
            let escaped = Self.escapeLike(value)
            let pattern = if case .startsWith = clause { escaped + "%" } else { "%" + escaped }
            // Graph ignores case here; LIKE does on SQLite but not on PostgreSQL, so both compare lowercased.
            return SQLQueryString("LOWER(\(ident: column)) LIKE LOWER(\(bind: pattern)) ESCAPE '\\'")
        case .anyIn(let field, let values):
            let resolved = try values.map { try self.resolve(field, $0) }
            guard let column = resolved.first?.0 else { return SQLQueryString("1 = 0") }  // `in ()` matches nothing
            return SQLBinaryExpression(SQLIdentifier(column), .in, SQLGroupExpression(SQLList(resolved.map { SQLBind($0.1) })))
        case .notEquals(let field, let value):
            return try self.condition(.not(.equals(field: field, value: value)))
        case .atLeast(let field, let value), .atMost(let field, let value):
            let (column, value) = try self.resolve(field, value)
            let comparison: SQLBinaryOperator = if case .atLeast = clause { .greaterThanOrEqual } else { .lessThanOrEqual }
            return SQLBinaryExpression(SQLIdentifier(column), comparison, SQLBind(value))
        case .isNull(let field):
            return SQLQueryString("\(ident: try self.resolve(field, "").0) IS NULL")
        case .hasWord(let field, let word):
            let (column, _) = try self.resolve(field, word)
            let escaped = Self.escapeLike(word.lowercased())
            return SQLQueryString("(LOWER(\(ident: column)) LIKE \(bind: escaped + "%") ESCAPE '\\' OR LOWER(\(ident: column)) LIKE \(bind: "% " + escaped + "%") ESCAPE '\\')")
        case .allOf(let clauses), .anyOf(let clauses):
            guard !clauses.isEmpty else { return SQLQueryString("1 = 1") }
            let separator = if case .allOf = clause { " AND " } else { " OR " }
            return SQLGroupExpression(SQLList(try clauses.map { SQLGroupExpression(try self.condition($0)) }, separator: SQLRaw(separator)))
        case .not(let inner):
            // A comparison with a missing value is NULL in SQL; Graph's not() keeps those objects.
            return SQLQueryString("NOT COALESCE((\(try self.condition(inner))), FALSE)")
        }
    }

    /// `text` matched literally by LIKE … ESCAPE '\\'.
    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    private func resolve(_ field: String, _ value: String) throws -> (String, String) {
        if field == "id" { return ("id", value.lowercased()) }
        guard let mapped = self.fields.first(where: { $0.key.caseInsensitiveCompare(field) == .orderedSame })?.value else {
            throw StoreError.unsupportedFilter(field)
        }
        return (mapped.column, mapped.caseInsensitive ? value.lowercased() : value)
    }

    static func encode(_ model: Model) throws -> String {
        String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
    }

    /// The row's document, through the table's cache when it has one.
    func decode(_ row: any SQLRow) throws -> Model {
        guard let cache = self.cache else { return try Self.decode(row) }
        return try cache.model(for: try row.decode(column: "document", as: String.self))
    }

    static func decode(_ row: any SQLRow) throws -> Model {
        try JSONDecoder().decode(Model.self, from: Data(try row.decode(column: "document", as: String.self).utf8))
    }
}
