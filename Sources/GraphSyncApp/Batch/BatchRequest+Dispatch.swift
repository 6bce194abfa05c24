import Foundation
import GraphSyncCore
import HTTPTypes
import Hummingbird
import NIOCore

extension BatchRequest {
    /// Headers a batched request cannot set: it is sent with the batch's credentials, and framing is the server's.
    private static let withheld: Set<String> = ["authorization", "cookie", "host", "content-length", "transfer-encoding", "connection"]

    /// The HTTP request this batch request stands for, under the batch's `version`, with the batch's `Authorization`.
    /// Throws Graph's 400 for this request alone: a URL outside this service's `version`, a bad header, a body without
    /// `Content-Type` or one that is neither JSON nor base64.
    ///
    /// - Parameters:
    ///   - graphHost: Graph's own host name (`graph.microsoft.com`), accepted in absolute URLs besides the batch's host.
    func request(version: String, batch: Request, graphHost: String) throws -> Request {
        guard let method = HTTPRequest.Method(self.method.uppercased()) else {
            throw GraphError.badRequest("'\(self.method)' is not an HTTP method.", code: "BadRequest")
        }
        var fields = HTTPFields()
        for (name, value) in try self.headerPairs() where !Self.withheld.contains(name.canonicalName) {
            fields.append(HTTPField(name: name, value: value))
        }
        fields[.authorization] = batch.headers[.authorization]
        var body = ByteBuffer()
        if let content = self.body {
            guard fields[.contentType] != nil else {
                throw GraphError.badRequest("A request with a body must have a 'Content-Type' header.", code: "BadRequest")
            }
            body = try Self.bytes(of: content)
        }
        let head = HTTPRequest(
            method: method, scheme: batch.head.scheme, authority: batch.head.authority,
            path: try self.path(version: version, batch: batch, graphHost: graphHost), headerFields: fields)
        return Request(head: head, body: .init(buffer: body))
    }

    /// `/{version}/…`: the URL relative to the version (`users/1`, `/users?$top=1`), or absolute on this service (or
    /// Graph's host) and version.
    private func path(version: String, batch: Request, graphHost: String) throws -> String {
        var path = self.url
        if let scheme = path.range(of: "://"), !path[..<scheme.lowerBound].contains("/") {
            let rest = path[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            let expected = batch.head.authority ?? ""
            guard [expected.lowercased(), graphHost.lowercased()].contains(authority.lowercased()) else {
                throw GraphError.badRequest("The URL '\(self.url)' is not on this service; batch only this service's URLs.", code: "BadRequest")
            }
            path = String(rest.dropFirst(authority.count))
            let prefix = "/\(version)/"
            guard path.hasPrefix(prefix) else {
                throw GraphError.badRequest("The URL '\(self.url)' is not under /\(version), the version of this batch.", code: "BadRequest")
            }
            path.removeFirst(prefix.count - 1)
        }
        if !path.hasPrefix("/") { path = "/" + path }
        let segments = path.prefix { $0 != "?" && $0 != "#" }.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        guard !segments.contains(where: { $0 == "." || $0 == ".." }), !path.contains("#") else {
            throw GraphError.badRequest("The URL '\(self.url)' is not a resource path.", code: "BadRequest")
        }
        return "/\(version)\(path)"
    }

    /// `headers` as name-value pairs: each value a string, or an array of strings (joined with commas).
    private func headerPairs() throws -> [(HTTPField.Name, String)] {
        guard let headers = self.headers else { return [] }
        guard let members = headers.objectValue else {
            throw GraphError.badRequest("The 'headers' of request '\(self.id)' must be a JSON object.", code: "BadRequest")
        }
        return try members.map { name, value in
            let text: String? =
                switch value {
                case .string(let text): text
                case .array(let items) where items.allSatisfy({ $0.stringValue != nil }): items.compactMap(\.stringValue).joined(separator: ", ")
                default: nil
                }
            guard let fieldName = HTTPField.Name(name), let text, HTTPField.isValidValue(text) else {
                throw GraphError.badRequest("The header '\(name)' of request '\(self.id)' is not a valid HTTP header.", code: "BadRequest")
            }
            return (fieldName, text)
        }
    }

    /// A JSON body as its text; a string as base64 (or base64url), as Graph takes binary bodies.
    private static func bytes(of body: JSONValue) throws -> ByteBuffer {
        guard case .string(let text) = body else { return ByteBuffer(bytes: body.serialized()) }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else {
            throw GraphError.badRequest("A string 'body' must be base64-encoded; send JSON as an object.", code: "BadRequest")
        }
        return ByteBuffer(bytes: data)
    }
}
