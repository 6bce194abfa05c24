import Foundation
import GraphSyncCore
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds Graph JSON responses with the OData headers Microsoft's clients expect.
enum GraphResponse {
    static let contentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false"

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = value.serialized()
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        headers[.odataVersion] = "4.0"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// A bare number, as Graph answers `/$count`.
    static func count(_ count: Int) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        headers[.odataVersion] = "4.0"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: String(count))))
    }
}

extension HTTPField.Name {
    static let odataVersion = HTTPField.Name("OData-Version")!
    static let requestId = HTTPField.Name("request-id")!
    static let clientRequestId = HTTPField.Name("client-request-id")!
    static let consistencyLevel = HTTPField.Name("ConsistencyLevel")!
}
