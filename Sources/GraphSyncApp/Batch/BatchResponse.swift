import Foundation
import GraphSyncCore
import HTTPTypes
import Hummingbird
import NIOCore

/// One response of a JSON batch: `{"id","status","headers","body"}`. A JSON body is inlined as JSON, a text body as a
/// string, any other as base64 (as Graph answers binary content); an empty body is left out.
enum BatchResponse {
    /// The most of one response's body a batch collects (a page of up to 999 full directory objects fits).
    static let maximumBody = 16 << 20

    /// Headers that describe the batch's own transfer, not the request's answer.
    private static let transport: Set<HTTPField.Name> = [.contentLength, .transferEncoding, .connection, .date]

    static func render(id: String, _ response: Response) async throws -> JSONValue {
        var headers: [(String, JSONValue)] = []
        for field in response.headers where !Self.transport.contains(field.name) {
            if let index = headers.firstIndex(where: { $0.0.lowercased() == field.name.canonicalName }) {
                headers[index].1 = .string((headers[index].1.stringValue ?? "") + ", " + field.value)
            } else {
                headers.append((field.name.rawName, .string(field.value)))
            }
        }
        var members: [(String, JSONValue)] = [("id", .string(id)), ("status", .number(Double(response.status.code))), ("headers", .object(headers))]
        let bytes = try await Self.collect(response.body)
        if bytes.readableBytes > 0 {
            members.append(("body", Self.body(bytes, contentType: response.headers[.contentType])))
        }
        return .object(members)
    }

    private static func body(_ bytes: ByteBuffer, contentType: String?) -> JSONValue {
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let data = Data(bytes.readableBytesView)
        if mediaType.hasSuffix("json"), let json = try? JSONValue.parse(data) { return json }
        if mediaType.hasPrefix("text/") || mediaType.hasSuffix("xml"), let text = String(data: data, encoding: .utf8) { return .string(text) }
        return .string(data.base64EncodedString())
    }

    private static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collector = Collector()
        try await body.write(collector)
        return collector.box.buffer
    }

    /// Gathers a response body in memory, up to `maximumBody`.
    private struct Collector: ResponseBodyWriter {
        final class Box { var buffer = ByteBuffer() }
        let box = Box()

        func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            guard self.box.buffer.readableBytes + buffer.readableBytes <= BatchResponse.maximumBody else {
                throw GraphError(.internalServerError, code: "generalException", message: "The response is too large to return in a batch.")
            }
            self.box.buffer.writeBuffer(&buffer)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
