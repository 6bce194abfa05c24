import AsyncHTTPClient
import Foundation
import GraphSyncClients
import GraphSyncCore
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One answer of the app, as the direct protocol checks look at it.
struct ProbeResponse: Sendable {
    var status: Int
    var contentType: String?
    /// The body parsed as JSON, when it is JSON.
    var json: JSONValue?
    var location: String?

    /// What the answer was, for "your app answered …": the status, and the SCIM error's detail when there is one.
    var summary: String {
        var text = "HTTP \(self.status)"
        if let detail = self.json?["detail"]?.stringValue ?? self.json?["scimType"]?.stringValue { text += " (\(detail.prefix(160)))" }
        return text
    }

    var resources: [JSONValue] { self.json?["Resources"]?.arrayValue ?? [] }
    var totalResults: Int? { self.json?["totalResults"].flatMap(Self.integer) }
    var id: String? { self.json?["id"]?.stringValue }

    /// A JSON number or numeric string as an integer (apps send both), or nil.
    static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case .number(let number) where number.isFinite && number == number.rounded() && abs(number) < 1e15: Int(number)
        case .string(let text): Int(text)
        default: nil
        }
    }
}

/// Raw SCIM requests to the app under validation: every status, header and body is seen, not only successes.
/// Goes through `OutboundClient` (bounded time and size); the token is never written into a report.
struct SCIMProbe: Sendable {
    let outbound: OutboundClient
    let baseAddress: String
    let token: String
    var timeout: Duration = .seconds(30)
    static let maximumBytes = 4 << 20

    enum Failure: Error { case unreachable(String) }

    /// Sends `method path?query` with `body` (as `application/scim+json`); `authorized: false` sends no token.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, authorized: Bool = true)
        async throws(Failure) -> ProbeResponse
    {
        var url = self.baseAddress + "/" + path
        if !query.isEmpty { url += "?" + query.map { "\($0.0)=\(HTTPSCIMClient.queryComponent($0.1))" }.joined(separator: "&") }
        let request = HTTPSCIMClient.request(method, url: url, token: authorized ? self.token : nil, body: body, userAgent: "GraphSync validate-app")
        let response: OutboundResponse
        do {
            response = try await self.outbound.send(request, timeout: self.timeout, maximumBytes: Self.maximumBytes)
        } catch {
            throw .unreachable(Self.describe(error))
        }
        let json = response.body.readableBytes > 0 ? try? JSONDecoder().decode(JSONValue.self, from: response.body) : nil
        return ProbeResponse(status: response.status, contentType: response.headers.first(name: "Content-Type"), json: json,
                             location: response.headers.first(name: "Location"))
    }

    /// `Users/{id}`, with the id percent-encoded as a path segment (an app's ids may hold `/`, `+`, `#` or spaces).
    static func path(_ resourceType: String, _ id: String) -> String { "\(resourceType)/\(HTTPSCIMClient.pathSegment(id))" }

    func get(_ path: String, _ query: [(String, String)] = []) async throws(Failure) -> ProbeResponse { try await self.send(.GET, path, query: query) }

    func patch(_ path: String, _ operations: [JSONValue]) async throws(Failure) -> ProbeResponse {
        try await self.send(.PATCH, path, body: SCIMDialect.patchBody(operations))
    }

    func delete(_ path: String) async throws(Failure) -> ProbeResponse { try await self.send(.DELETE, path) }

    /// `GET resource?filter=attribute eq "value"` (with `excludedAttributes=members` on groups, as Entra reads them).
    func filter(_ resourceType: String, _ attribute: String, _ value: String) async throws(Failure) -> ProbeResponse {
        var query = [("filter", SCIMFilter.equals(attribute, value))]
        if resourceType == "Groups" { query.insert(("excludedAttributes", "members"), at: 0) }
        return try await self.get(resourceType, query)
    }

    static func describe(_ error: OutboundError) -> String {
        switch error {
        case .refused(let reason): reason
        case .unresolvable(let host): "\(host) could not be resolved"
        case .timeout: "no answer in time"
        case .tooLarge(let limit): "an answer over \(limit >> 20) MiB"
        case .tls(let reason), .network(let reason): reason
        }
    }
}
