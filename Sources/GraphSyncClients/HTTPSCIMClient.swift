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

    public init(httpClient: HTTPClient, policy: OutboundDestinationPolicy, timeout: TimeAmount = .seconds(30), maximumResponseBytes: Int = 4 << 20) {
        self.httpClient = httpClient
        self.policy = policy
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
    }

    public func search(_ endpoint: SCIMEndpoint, resourceType: String, filter: String) async throws(SCIMError) -> [JSONValue] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let query = filter.addingPercentEncoding(withAllowedCharacters: allowed) ?? filter
        let (_, body) = try await self.send(.GET, endpoint, "\(resourceType)?filter=\(query)", body: nil)
        return body?["Resources"]?.arrayValue ?? []
    }

    public func create(_ endpoint: SCIMEndpoint, resourceType: String, body: JSONValue) async throws(SCIMError) -> JSONValue {
        let (_, created) = try await self.send(.POST, endpoint, resourceType, body: body)
        guard let created, created["id"]?.stringValue != nil else { throw .unavailable("the app created a resource but returned no id") }
        return created
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

    private func send(_ method: HTTPMethod, _ endpoint: SCIMEndpoint, _ path: String, body: JSONValue?) async throws(SCIMError) -> (Int, JSONValue?) {
        let base: URL
        do { base = try await self.policy.check(endpoint.baseAddress) } catch {
            switch error {
            case .destinationRefused(let reason): throw .refused(reason)
            default: throw .unavailable("the SCIM base address could not be resolved")
            }
        }
        var request = HTTPClientRequest(url: base.absoluteString + "/" + path)
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
        let json = buffer.readableBytes > 0 ? try? JSONValue.parse(Data(buffer.readableBytesView)) : nil
        guard (200..<300).contains(status) else {
            let detail = json?["detail"]?.stringValue ?? json?["scimType"]?.stringValue ?? ""
            throw .status(status, detail: String(detail.prefix(300)), retryAfter: retryAfter)
        }
        return (status, json)
    }

    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
    }
}
