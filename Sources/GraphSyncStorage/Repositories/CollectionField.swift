import Foundation
import SQLKit

/// A collection-valued Graph property kept one row per value (lowercased) in a side table `(object_id, value)`, so
/// `$filter=property/any(c:c eq 'v')` is an indexed lookup on SQLite and PostgreSQL alike.
struct CollectionField<Model: Sendable>: Sendable {
    /// The Graph property, e.g. `servicePrincipalNames`.
    let property: String
    let table: String
    let values: @Sendable (Model) -> [String]

    /// Replaces the side rows of `models` with their current values.
    func replace(for models: [Model], id: @Sendable (Model) -> String, on db: any SQLDatabase) async throws {
        guard !models.isEmpty else { return }
        try await db.delete(from: self.table).where("object_id", .in, models.map(id)).run()
        var rows: [[any Encodable & Sendable]] = []
        for model in models {
            rows += Set(self.values(model).map { $0.lowercased() }).sorted().map { [id(model), $0] }
        }
        for chunk in stride(from: 0, to: rows.count, by: 200) {
            let insert = db.insert(into: self.table).columns("object_id", "value")
            for row in rows[chunk..<min(chunk + 200, rows.count)] { insert.values(row.map { SQLBind($0) }) }
            try await insert.run()
        }
    }
}
