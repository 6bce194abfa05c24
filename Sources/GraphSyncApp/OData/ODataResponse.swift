import Foundation
import GraphSyncCore
import Hummingbird

/// Graph's response envelopes: a single entity with `@odata.context`, or a collection with `value` and `@odata.nextLink`.
struct ODataResponse {
    let request: Request
    /// `https://host:port` of this server, as the client addressed it when that is one of its names.
    let baseURL: String

    /// `https://host:port/v1.0` (or `/beta`).
    var serviceRoot: String {
        let version = self.request.uri.path.split(separator: "/").first.map(String.init) ?? "v1.0"
        return "\(self.baseURL)/\(version == "beta" ? "beta" : "v1.0")"
    }

    /// An entity; `expanded` are the navigation properties `$expand` added to it (kept whatever `$select` says).
    func entity(_ value: JSONValue, context: String, select: [String]? = nil, expanded: [String] = [], status: HTTPResponse.Status = .ok) throws -> Response {
        let members = try Self.project(value, select: select, expanded: expanded)
        let fragment = Self.context(context, select: select, expanded: expanded)
        return try GraphResponse.json(.object([("@odata.context", .string("\(self.serviceRoot)/$metadata#\(fragment)"))] + members), status: status)
    }

    /// A collection page with `@odata.count` when `count` is given, or only that number when the request's path is
    /// the collection's `/$count`.
    func collection(
        _ values: [JSONValue], context: String, select: [String]? = nil, expanded: [String] = [], next: String? = nil, count: Int? = nil
    ) throws -> Response {
        if let count, self.request.uri.path.hasSuffix("/$count") { return GraphResponse.count(count) }
        let fragment = Self.context(context, select: select, expanded: expanded)
        var members: [(String, JSONValue)] = [("@odata.context", .string("\(self.serviceRoot)/$metadata#\(fragment)"))]
        if let count { members.append(("@odata.count", .number(Double(count)))) }
        if let next { members.append(("@odata.nextLink", .string(self.nextLink(skipToken: next)))) }
        members.append(("value", .array(try values.map { .object(try Self.project($0, select: select, expanded: expanded)) })))
        return try GraphResponse.json(.object(members))
    }

    /// The same request with `$skiptoken` replaced, its options encoded afresh.
    private func nextLink(skipToken: String) -> String {
        var pairs = ((try? QueryOptions(self.request))?.pairs ?? []).filter { $0.name != "$skiptoken" }
        pairs.append(("$skiptoken", skipToken))
        let query = pairs.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
        let path = self.request.uri.path.split(separator: "/").dropFirst().joined(separator: "/")
        return "\(self.serviceRoot)/\(path)?\(query)"
    }

    /// Percent-encodes a query component, keeping what OData URLs show literally (`$`, quotes, parentheses, commas).
    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: Self.queryCharacters) ?? text
    }

    private static let queryCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~$'(),:@/")

    /// The context URL's fragment with the selection and expansions, as OData writes it:
    /// `applications(displayName,id)/$entity`, `users(id,manager())/$entity`.
    static func context(_ context: String, select: [String]?, expanded: [String] = []) -> String {
        let items = (select ?? []) + expanded.map { "\($0)()" }
        guard !items.isEmpty else { return context }
        let list = "(\(items.joined(separator: ",")))"
        return context.hasSuffix("/$entity") ? context.dropLast("/$entity".count) + list + "/$entity" : context + list
    }

    /// Applies `$select` (keeping `@odata.type` and `id`-less selections as asked). Every object carries its type's
    /// full property set, so a name it does not have is not a property of the type: 400, as Graph answers.
    static func project(_ value: JSONValue, select: [String]?, expanded: [String] = []) throws -> [(String, JSONValue)] {
        let members = value.objectValue ?? []
        guard let select, !select.isEmpty else { return members }
        let present = Set(members.map { $0.0.lowercased() } + expanded.map { $0.lowercased() })
        if let unknown = select.first(where: { !present.contains($0.lowercased()) }) {
            throw GraphError.badRequest("Could not find a property named '\(unknown.prefix(100))' on this type.", code: "BadRequest")
        }
        let wanted = Set((select + expanded).map { $0.lowercased() })
        return members.filter { wanted.contains($0.0.lowercased()) || $0.0.hasPrefix("@odata.") }
    }
}
