import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A fast, minimal in-memory SCIM 2.0 target (Users and Groups: create, filter by userName/displayName with `eq` and `or`, PATCH, PUT,
/// DELETE), so the provisioning benchmark measures GraphSync rather than the app.
struct SCIMTargetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scim-target", abstract: "Serve a fast in-memory SCIM 2.0 app on 127.0.0.1.")

    @Option var port = 9500

    func run() async throws {
        let store = SCIMStore()
        let router = Router()
        for type in ["Users", "Groups"] {
            let key = type == "Users" ? "userName" : "displayName"
            router.post("scim/v2/\(type)") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                guard var object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                    let name = object[key] as? String
                else { return Self.json(400, #"{"detail":"bad resource"}"#) }
                let id = UUID().uuidString.lowercased()
                object["id"] = id
                guard store.insert(type: type, name: name.lowercased(), id: id) else { return Self.json(409, #"{"scimType":"uniqueness"}"#) }
                return Self.json(201, String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
            }
            router.get("scim/v2/\(type)") { request, _ -> Response in
                // `key eq "a"`, or several of them joined with `or`: every quoted value is one name asked for.
                let filter = request.uri.queryParameters["filter"].map(String.init) ?? ""
                let names = filter.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { $0.element }
                let found = names.compactMap { name in store.find(type: type, name: name.lowercased()).map { "{\"id\":\"\($0)\",\"\(key)\":\"\(name)\"}" } }
                return Self.json(200, "{\"totalResults\":\(found.count),\"Resources\":[\(found.joined(separator: ","))]}")
            }
            router.patch("scim/v2/\(type)/:id") { _, _ in Response(status: .noContent) }
            router.put("scim/v2/\(type)/:id") { _, _ in Self.json(200, "{}") }
            router.delete("scim/v2/\(type)/:id") { _, _ in Response(status: .noContent) }
        }
        router.get("count") { _, _ in "\(store.count)" }
        var logger = Logger(label: "bench-scim-target")
        logger.logLevel = .error
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: self.port)),
            onServerRunning: { channel in
                FileHandle.standardOutput.write(Data("SCIM app ready: http://127.0.0.1:\(channel.localAddress?.port ?? self.port)/scim/v2\n".utf8))
            }, logger: logger)
        try await app.runService()
    }

    static func json(_ status: Int, _ text: String) -> Response {
        var response = Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = "application/scim+json"
        return response
    }
}

final class SCIMStore: Sendable {
    private let byName = Mutex<[String: String]>([:])
    var count: Int { self.byName.withLock { $0.count } }
    func insert(type: String, name: String, id: String) -> Bool {
        self.byName.withLock { names in
            guard names["\(type)|\(name)"] == nil else { return false }
            names["\(type)|\(name)"] = id
            return true
        }
    }
    func find(type: String, name: String) -> String? { self.byName.withLock { $0["\(type)|\(name)"] } }
}
