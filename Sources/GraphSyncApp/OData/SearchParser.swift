import Foundation
import GraphSyncCore

/// Parses `$search`: quoted `"property:words"` terms joined by `AND` and `OR` (`AND` binds first), as one clause. Each
/// word of a term must start a word of the property's value.
enum SearchParser {
    static func parse(_ text: String) throws -> DirectoryQuery.Clause {
        var groups: [[DirectoryQuery.Clause]] = [[]]
        var rest = Substring(text).drop(while: \.isWhitespace)
        while true {
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else {
                throw self.invalid(text, "expected a quoted \"property:value\"")
            }
            let term = rest[rest.index(after: rest.startIndex)..<close]
            let parts = term.split(separator: ":", maxSplits: 1)
            let words = parts.count == 2 ? parts[1].split(separator: " ") : []
            guard let field = parts.first?.trimmingCharacters(in: .whitespaces), !field.isEmpty, !words.isEmpty else {
                throw self.invalid(text, "expected \"property:value\", got \"\(term.prefix(100))\"")
            }
            groups[groups.count - 1] += words.map { .hasWord(field: field, word: String($0)) }
            rest = rest[rest.index(after: close)...].drop(while: \.isWhitespace)
            guard !rest.isEmpty else { break }
            let keyword = rest.prefix { !$0.isWhitespace && $0 != "\"" }
            switch keyword {
            case "AND": break
            case "OR": groups.append([])
            default: throw self.invalid(text, "expected AND or OR, got '\(keyword.prefix(20))'")
            }
            rest = rest.dropFirst(keyword.count).drop(while: \.isWhitespace)
        }
        return .anyOf(groups.map { .allOf($0) })
    }

    private static func invalid(_ source: String, _ reason: String) -> GraphError {
        GraphError.badRequest("Invalid $search '\(source.prefix(200))': \(reason).", code: "BadRequest")
    }
}
