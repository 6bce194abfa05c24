import Foundation
import GraphSyncCore
import Hummingbird
import NIOCore

/// Reads and checks Graph JSON request bodies, naming the problem when they are wrong.
enum RequestBody {
    /// The body as a JSON object. Requires `Content-Type: application/json` (415 otherwise).
    static func object(_ request: Request, context: some RequestContext) async throws -> JSONObject {
        let value = try await self.json(request, context: context)
        guard case .object(let members) = value else {
            throw GraphError.badRequest("The request body must be a JSON object, not \(value.typeName).")
        }
        return JSONObject(members: members)
    }

    static func json(_ request: Request, context: some RequestContext) async throws -> JSONValue {
        try self.requireJSONContentType(request)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw GraphError(.contentTooLarge, code: "RequestEntityTooLarge", message: "The request body exceeds the \(context.maxUploadSize / 1024) KiB limit.")
        }
        guard buffer.readableBytes > 0 else { throw GraphError.badRequest("The request body is empty; a JSON object was expected.") }
        do {
            return try JSONValue.parse(Data(buffer.readableBytesView))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw GraphError.badRequest("Unable to read JSON request payload\(detail.map { ": \($0)" } ?? ". Please ensure the payload is valid JSON.")")
        }
    }

    static func requireJSONContentType(_ request: Request) throws {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.filter { $0 != " " }.lowercased()
        guard mediaType == "application/json" else {
            throw GraphError(
                .unsupportedMediaType, code: "UnsupportedMediaType",
                message: "Content-Type '\(request.headers[.contentType] ?? "")' is not supported; use 'application/json'.")
        }
    }
}

/// A JSON object from a request body, with typed accessors that throw Graph errors naming the property.
struct JSONObject: Sendable {
    let members: [(String, JSONValue)]

    var keys: [String] { self.members.map(\.0) }

    subscript(key: String) -> JSONValue? { self.members.first { $0.0 == key }?.1 }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// Rejects properties other than `allowed` (and OData annotations such as `@odata.type`).
    func rejectUnknown(allowed: Set<String>, resource: String) throws {
        for key in self.keys where !key.hasPrefix("@odata.") && !allowed.contains(key) {
            throw GraphError.badRequest("Property '\(key)' does not exist on type 'microsoft.graph.\(resource)'. Make sure to only use property names that are defined by the type.")
        }
    }

    func string(_ key: String, required: Bool = false) throws -> String? {
        switch self[key] {
        case nil, .some(.null):
            if required { throw GraphError.badRequest("Property '\(key)' is required.") }
            return nil
        case .some(.string(let value)): return value
        case .some(let other): throw GraphError.badRequest("Property '\(key)' must be a string, not \(other.typeName).")
        }
    }

    func requiredString(_ key: String) throws -> String {
        guard let value = try self.string(key, required: true), !value.isEmpty else {
            throw GraphError.badRequest("Property '\(key)' is required and cannot be empty.")
        }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        switch self[key] {
        case nil, .some(.null): return nil
        case .some(.bool(let value)): return value
        case .some(let other): throw GraphError.badRequest("Property '\(key)' must be a boolean, not \(other.typeName).")
        }
    }

    func strings(_ key: String) throws -> [String]? {
        switch self[key] {
        case nil, .some(.null): return nil
        case .some(.array(let items)):
            return try items.map {
                guard case .string(let value) = $0 else { throw GraphError.badRequest("Property '\(key)' must be an array of strings.") }
                return value
            }
        case .some(let other): throw GraphError.badRequest("Property '\(key)' must be an array, not \(other.typeName).")
        }
    }

    func object(_ key: String) throws -> JSONObject? {
        switch self[key] {
        case nil, .some(.null): return nil
        case .some(.object(let members)): return JSONObject(members: members)
        case .some(let other): throw GraphError.badRequest("Property '\(key)' must be an object, not \(other.typeName).")
        }
    }

    func objects(_ key: String) throws -> [JSONObject]? {
        switch self[key] {
        case nil, .some(.null): return nil
        case .some(.array(let items)):
            return try items.map {
                guard case .object(let members) = $0 else { throw GraphError.badRequest("Property '\(key)' must be an array of objects.") }
                return JSONObject(members: members)
            }
        case .some(let other): throw GraphError.badRequest("Property '\(key)' must be an array, not \(other.typeName).")
        }
    }

    func date(_ key: String) throws -> Date? {
        guard let text = try self.string(key) else { return nil }
        guard let date = GraphDate.parse(text) else {
            throw GraphError.badRequest("Property '\(key)' must be an ISO 8601 date-time, not '\(text)'.")
        }
        return date
    }
}
