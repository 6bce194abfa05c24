import GraphSyncCore
import Synchronization

/// A SCIM app in memory for engine tests: stores users by userName, records every request.
final class FakeSCIMClient: SCIMClient {
    struct Call: Sendable, Equatable {
        var method: String
        var resourceType: String
        var token: String
        /// A PATCH's operations, as serialized JSON.
        var operations: [String] = []
        /// A PUT's body, as serialized JSON.
        var body: String?
    }

    /// How searches go wrong, for Test Connection's cases: a Tenant URL that is not the SCIM base, or an app that
    /// ignores `filter` and answers every user.
    enum Search: Sendable { case normal, notFound, ignoresFilter }
    let searches = Mutex(Search.normal)

    private let state = Mutex<(users: [String: String], calls: [Call])>(([:], []))
    var calls: [Call] { self.state.withLock { $0.calls } }
    var userNames: Set<String> { self.state.withLock { Set($0.users.keys) } }

    private func record(_ method: String, _ type: String, _ endpoint: SCIMEndpoint, operations: [JSONValue] = [], body: JSONValue? = nil) {
        let serialized = operations.map { String(decoding: $0.serialized(), as: UTF8.self) }
        let call = Call(method: method, resourceType: type, token: endpoint.bearerToken, operations: serialized,
                        body: body.map { String(decoding: $0.serialized(), as: UTF8.self) })
        self.state.withLock { $0.calls.append(call) }
    }

    func search(_ endpoint: SCIMEndpoint, resourceType: String, filter: String) async throws(SCIMError) -> [SCIMResource] {
        self.record("GET", resourceType, endpoint)
        switch self.searches.withLock({ $0 }) {
        case .notFound: throw .status(404, detail: "Not Found", retryAfter: nil)
        case .ignoresFilter: return self.state.withLock { $0.users.values.map { SCIMResource(id: $0) } }
        case .normal: break
        }
        let name = filter.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
        return self.state.withLock { $0.users[name] }.map { [SCIMResource(id: $0)] } ?? []
    }

    func query(_ endpoint: SCIMEndpoint, resourceType: String, filter: String, attributes: [String], count: Int) async throws(SCIMError) -> SCIMQueryResult {
        SCIMQueryResult(resources: try await self.search(endpoint, resourceType: resourceType, filter: filter), isComplete: true)
    }

    func create(_ endpoint: SCIMEndpoint, resourceType: String, body: JSONValue) async throws(SCIMError) -> SCIMResource {
        self.record("POST", resourceType, endpoint)
        let name: String? = if case .object(let members) = body { members.first { $0.0 == (resourceType == "Users" ? "userName" : "displayName") }?.1.stringValue } else { nil }
        let id = "app-\(name ?? "?")"
        self.state.withLock { $0.users[name ?? "?"] = id }
        self.resources.withLock { $0[id] = Self.withId(body, id) }
        return SCIMResource(id: id)
    }

    /// PATCH paths the app answers 404 for (an app that does not know the referenced id).
    let missingPaths = Mutex<Set<String>>([])
    /// The status every PATCH is refused with (501 or 405: an app without PATCH; 400: one that rejects the request).
    let refusesPatch = Mutex<Int?>(nil)

    func patch(_ endpoint: SCIMEndpoint, resourceType: String, id: String, operations: [JSONValue]) async throws(SCIMError) {
        self.record("PATCH", resourceType, endpoint, operations: operations)
        if let status = self.refusesPatch.withLock({ $0 }) { throw .status(status, detail: "PATCH is refused", retryAfter: nil) }
        let missing = self.missingPaths.withLock { $0 }
        if operations.contains(where: { $0["path"]?.stringValue.map(missing.contains) == true }) {
            throw .status(404, detail: "No such resource", retryAfter: nil)
        }
    }

    func replace(_ endpoint: SCIMEndpoint, resourceType: String, id: String, body: JSONValue) async throws(SCIMError) {
        self.record("PUT", resourceType, endpoint, body: body)
        self.resources.withLock { $0[id] = body }
    }

    /// What the app holds, by id: each created resource as POSTed (with its id), each replaced one as PUT. PATCHes are
    /// not applied.
    let resources = Mutex<[String: JSONValue]>([:])

    func read(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) -> JSONValue {
        self.record("GET", resourceType, endpoint)
        guard let resource = self.resources.withLock({ $0[id] }) else { throw .status(404, detail: "Not Found", retryAfter: nil) }
        return resource
    }

    static func withId(_ body: JSONValue, _ id: String) -> JSONValue {
        guard case .object(var members) = body else { return body }
        members.insert(("id", .string(id)), at: min(1, members.count))
        return .object(members)
    }

    func delete(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) {
        self.record("DELETE", resourceType, endpoint)
    }
}
