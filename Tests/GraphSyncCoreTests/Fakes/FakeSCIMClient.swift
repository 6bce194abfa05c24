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
        return SCIMResource(id: id)
    }

    /// PATCH paths the app answers 404 for (an app that does not know the referenced id).
    let missingPaths = Mutex<Set<String>>([])
    /// An app without PATCH support answers every PATCH 501.
    let refusesPatch = Mutex(false)

    func patch(_ endpoint: SCIMEndpoint, resourceType: String, id: String, operations: [JSONValue]) async throws(SCIMError) {
        self.record("PATCH", resourceType, endpoint, operations: operations)
        if self.refusesPatch.withLock({ $0 }) { throw .status(501, detail: "PATCH is not supported", retryAfter: nil) }
        let missing = self.missingPaths.withLock { $0 }
        if operations.contains(where: { $0["path"]?.stringValue.map(missing.contains) == true }) {
            throw .status(404, detail: "No such resource", retryAfter: nil)
        }
    }

    func replace(_ endpoint: SCIMEndpoint, resourceType: String, id: String, body: JSONValue) async throws(SCIMError) {
        self.record("PUT", resourceType, endpoint, body: body)
    }

    func delete(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) {
        self.record("DELETE", resourceType, endpoint)
    }
}
