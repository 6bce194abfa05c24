import AsyncHTTPClient
import Foundation
import GraphSyncCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// SCIM 2.0 through the pinned, deadline-bound `OutboundClient` (the same SSRF guard as token calls), with one timeout
/// per request covering the whole answer and a size limit. The bearer token goes only into the `Authorization`
/// header, never into logs.
public struct HTTPSCIMClient: SCIMClient {
    let outbound: OutboundClient
    let timeout: Duration
    let maximumResponseBytes: Int

    public init(outbound: OutboundClient, timeout: Duration = .seconds(30), maximumResponseBytes: Int = 4 << 20) {
        self.outbound = outbound
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// `excludedAttributes=members&` on group reads, for the dialects that send it (Entra's: it never reads members back).
    static func excluded(_ endpoint: SCIMEndpoint, _ resourceType: String) -> String {
        resourceType == "Groups" && endpoint.dialect.excludesMembersOnGroupReads ? "excludedAttributes=members&" : ""
    }

    public func search(_ endpoint: SCIMEndpoint, resourceType: String, filter: String) async throws(SCIMError) -> [SCIMResource] {
        let (_, body) = try await self.send(.GET, endpoint, "\(resourceType)?\(Self.excluded(endpoint, resourceType))filter=\(Self.queryComponent(filter))", body: nil)
        guard body.readableBytes > 0 else { return [] }
        guard let list = try? JSONDecoder().decode(ListResponse.self, from: body) else {
            throw .unavailable("the app answered the query with something that is not a SCIM ListResponse")
        }
        return (list.Resources ?? []).compactMap { $0.id.map { SCIMResource(id: $0) } }
    }

    public func query(
        _ endpoint: SCIMEndpoint, resourceType: String, filter: String, attributes: [String], count: Int
    ) async throws(SCIMError) -> SCIMQueryResult {
        let selection = attributes.isEmpty ? "" : "&attributes=\(Self.queryComponent(attributes.joined(separator: ",")))"
        let (_, body) = try await self.send(
            .GET, endpoint, "\(resourceType)?\(Self.excluded(endpoint, resourceType))filter=\(Self.queryComponent(filter))\(selection)&count=\(count)", body: nil)
        guard body.readableBytes > 0, let list = try? JSONDecoder().decode(DetailedListResponse.self, from: body) else {
            throw .unavailable("the app answered the query with something that is not a SCIM ListResponse")
        }
        let resources = (list.Resources ?? []).compactMap { resource in
            resource.id.map { SCIMResource(id: $0, attributes: resource.strings.filter { attributes.contains($0.key) }) }
        }
        return SCIMQueryResult(resources: resources, isComplete: (list.totalResults ?? resources.count) <= resources.count)
    }

    public func create(_ endpoint: SCIMEndpoint, resourceType: String, body: JSONValue) async throws(SCIMError) -> SCIMResource {
        let (_, created) = try await self.send(.POST, endpoint, resourceType, body: body)
        guard let id = (try? JSONDecoder().decode(Identified.self, from: created))?.id else {
            throw .unavailable("the app created a resource but returned no id")
        }
        return SCIMResource(id: id)
    }

    public func patch(_ endpoint: SCIMEndpoint, resourceType: String, id: String, operations: [JSONValue]) async throws(SCIMError) {
        let body = SCIMDialect.patchBody(operations)
        _ = try await self.send(.PATCH, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: body)
    }

    public func read(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) -> JSONValue {
        let (_, body) = try await self.send(.GET, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: nil)
        guard let resource = try? JSONDecoder().decode(JSONValue.self, from: body), resource.objectValue != nil else {
            throw .unavailable("the app answered GET \(resourceType)/{id} with something that is not a SCIM resource")
        }
        return resource
    }

    public func replace(_ endpoint: SCIMEndpoint, resourceType: String, id: String, body: JSONValue) async throws(SCIMError) {
        _ = try await self.send(.PUT, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: body)
    }

    public func delete(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) {
        _ = try await self.send(.DELETE, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: nil)
    }

    private func send(_ method: HTTPMethod, _ endpoint: SCIMEndpoint, _ path: String, body: JSONValue?) async throws(SCIMError) -> (Int, ByteBuffer) {
        let request = Self.request(method, url: endpoint.baseAddress + "/" + path, token: endpoint.bearerToken, body: body)
        let response: OutboundResponse
        let started = ContinuousClock.now
        do {
            response = try await self.outbound.send(request, timeout: self.timeout, maximumBytes: self.maximumResponseBytes)
            Telemetry.scimRequest(method: method.rawValue, status: response.status, seconds: (ContinuousClock.now - started).inSeconds)
        } catch {
            Telemetry.scimRequest(method: method.rawValue, status: nil, seconds: (ContinuousClock.now - started).inSeconds)
            switch error {
            case .refused(let reason): throw .refused(reason)
            case .unresolvable: throw .unavailable("the SCIM base address could not be resolved")
            case .timeout: throw .timeout
            case .tooLarge(let limit): throw .unavailable("the answer exceeded \(limit >> 20) MiB")
            case .tls(let reason), .network(let reason): throw .unavailable(reason)
            }
        }
        guard (200..<300).contains(response.status) else {
            let buffer = response.body
            let error = buffer.readableBytes > 0 ? try? JSONDecoder().decode(ErrorResponse.self, from: buffer) : nil
            // An app's error text reaches job status and logs: never with the token in it, even when the app echoes it.
            let detail = (error?.detail ?? error?.scimType ?? "").prefix(300).replacingOccurrences(of: endpoint.bearerToken, with: "***")
            throw .status(response.status, detail: detail, retryAfter: RetryAfter.delay(response.headers.first(name: "Retry-After")))
        }
        return (response.status, response.body)
    }

    /// A SCIM request as GraphSync sends one: the bearer token (none when nil), SCIM's media type both ways.
    public static func request(_ method: HTTPMethod, url: String, token: String?, body: JSONValue?, userAgent: String = "GraphSync") -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept", value: "application/scim+json")
        request.headers.add(name: "User-Agent", value: userAgent)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        return request
    }

    public static func pathSegment(_ id: String) -> String { self.percentEncoded(id, keeping: Self.pathCharacters) }

    public static func queryComponent(_ value: String) -> String { self.percentEncoded(value, keeping: Self.unreserved) }

    private static let unreserved: Set<UInt8> = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    private static let pathCharacters: Set<UInt8> = Self.unreserved.union("!$&'()*+,;=:@".utf8)

    /// RFC 3986 percent-encoding of every byte outside `keeping` (byte-wise: Foundation's version is slow here).
    private static func percentEncoded(_ value: String, keeping allowed: Set<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 16)
        for byte in value.utf8 {
            if allowed.contains(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private struct Identified: Decodable { var id: String? }
    private struct ListResponse: Decodable { var Resources: [Identified]? }
    private struct DetailedListResponse: Decodable {
        var totalResults: Int?
        var Resources: [StringAttributes]?
    }

    /// A resource's id and its top-level string attributes.
    private struct StringAttributes: Decodable {
        var id: String?
        var strings: [String: String] = [:]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            for key in container.allKeys {
                if let value = try? container.decode(String.self, forKey: key) { self.strings[key.stringValue] = value }
            }
            self.id = self.strings["id"]
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    private struct ErrorResponse: Decodable {
        var detail: String?
        var scimType: String?
    }
}
