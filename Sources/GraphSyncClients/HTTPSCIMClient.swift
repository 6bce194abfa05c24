import AsyncHTTPClient
import Foundation
import GraphSyncCore
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// SCIM 2.0 over the shared AsyncHTTPClient, with the same SSRF guard, timeout and size limit as token calls.
/// The bearer token goes only into the `Authorization` header, never into logs.
public struct HTTPSCIMClient: SCIMClient {
    let httpClient: HTTPClient
    let policy: OutboundDestinationPolicy
    let timeout: TimeAmount
    let maximumResponseBytes: Int
    private let checkedDestinations = ExpiringCache<String, String>(capacity: 1024)
    private let destinationCheckLifetime: TimeInterval

    public init(
        httpClient: HTTPClient, policy: OutboundDestinationPolicy, timeout: TimeAmount = .seconds(30), maximumResponseBytes: Int = 4 << 20,
        destinationCheckLifetime: TimeInterval = 30
    ) {
        self.httpClient = httpClient
        self.policy = policy
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.destinationCheckLifetime = destinationCheckLifetime
    }

    public func search(_ endpoint: SCIMEndpoint, resourceType: String, filter: String) async throws(SCIMError) -> [SCIMResource] {
        let (_, body) = try await self.send(.GET, endpoint, "\(resourceType)?filter=\(Self.queryComponent(filter))", body: nil)
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
        let (_, body) = try await self.send(.GET, endpoint, "\(resourceType)?filter=\(Self.queryComponent(filter))\(selection)&count=\(count)", body: nil)
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
        let body: JSONValue = .object([
            ("schemas", .array([.string("urn:ietf:params:scim:api:messages:2.0:PatchOp")])), ("Operations", .array(operations)),
        ])
        _ = try await self.send(.PATCH, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: body)
    }

    public func replace(_ endpoint: SCIMEndpoint, resourceType: String, id: String, body: JSONValue) async throws(SCIMError) {
        _ = try await self.send(.PUT, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: body)
    }

    public func delete(_ endpoint: SCIMEndpoint, resourceType: String, id: String) async throws(SCIMError) {
        _ = try await self.send(.DELETE, endpoint, "\(resourceType)/\(Self.pathSegment(id))", body: nil)
    }

    private func send(_ method: HTTPMethod, _ endpoint: SCIMEndpoint, _ path: String, body: JSONValue?) async throws(SCIMError) -> (Int, ByteBuffer) {
        let base = try await self.checkedBase(endpoint.baseAddress)
        var request = HTTPClientRequest(url: base + "/" + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(endpoint.bearerToken)")
        request.headers.add(name: "Accept", value: "application/scim+json")
        request.headers.add(name: "User-Agent", value: "GraphSync")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/scim+json")
            request.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        let status: Int
        let buffer: ByteBuffer
        let retryAfter: TimeInterval?
        do {
            let response = try await self.httpClient.execute(request, timeout: self.timeout)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After").flatMap(TimeInterval.init)
            buffer = try await response.body.collect(upTo: self.maximumResponseBytes)
        } catch is NIOTooManyBytesError {
            throw .unavailable("the answer exceeded \(self.maximumResponseBytes >> 20) MiB")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout
        } catch {
            throw .unavailable(HTTPTokenEndpointClient.reason(error))
        }
        guard (200..<300).contains(status) else {
            let error = buffer.readableBytes > 0 ? try? JSONDecoder().decode(ErrorResponse.self, from: buffer) : nil
            let detail = error?.detail ?? error?.scimType ?? ""
            throw .status(status, detail: String(detail.prefix(300)), retryAfter: retryAfter)
        }
        return (status, buffer)
    }

    /// The base address once the SSRF guard let it through; the verdict is kept for `destinationCheckLifetime`, so a
    /// cycle's requests do not each resolve the host again.
    private func checkedBase(_ address: String) async throws(SCIMError) -> String {
        if let base = self.checkedDestinations.value(for: address) { return base }
        let url: URL
        do { url = try await self.policy.check(address) } catch {
            switch error {
            case .destinationRefused(let reason): throw .refused(reason)
            default: throw .unavailable("the SCIM base address could not be resolved")
            }
        }
        self.checkedDestinations.store(url.absoluteString, for: address, expires: Date().addingTimeInterval(self.destinationCheckLifetime))
        return url.absoluteString
    }

    static func pathSegment(_ id: String) -> String { self.percentEncoded(id, keeping: Self.pathCharacters) }

    static func queryComponent(_ value: String) -> String { self.percentEncoded(value, keeping: Self.unreserved) }

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
