import AsyncHTTPClient
import Foundation
import GraphSyncApp
import GraphSyncAuthority
import GraphSyncCore
import GraphSyncTestSupport
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import SQLKit
import ServiceLifecycle
import Testing

/// A real GraphSync listening on loopback, on a fresh data directory, for one test.
struct TestServer {
    let runtime: GraphSyncRuntime
    let facts: Bootstrapper.Facts
    let baseURL: String
    let client: HTTPClient

    var tenantId: String { self.facts.tenantId }
    var issuer: String { "\(self.baseURL)/\(self.tenantId)/v2.0" }
    var dataDirectory: String { self.runtime.configuration.dataDirectory }

    /// The server stopped before it listened (usually: its port was taken between `freePort()` and the bind).
    struct DidNotStart: Error, CustomStringConvertible {
        var reason: String
        var description: String { "the test server did not start: \(self.reason)" }
    }

    /// Starts GraphSync (plain http unless `tls`), runs `body`, shuts it down. A start that fails because the port
    /// was taken in the meantime is tried again on another port.
    static func run<R: Sendable>(
        tls: Bool = false, dataDirectory: String? = nil, configure: (inout AppConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> R
    ) async throws -> R {
        let directory = dataDirectory ?? Self.temporaryDirectory()
        for _ in 1..<3 {
            do { return try await self.runOnce(tls: tls, dataDirectory: directory, configure: configure, body) } catch is DidNotStart { continue }
        }
        return try await self.runOnce(tls: tls, dataDirectory: directory, configure: configure, body)
    }

    private static func runOnce<R: Sendable>(
        tls: Bool, dataDirectory: String, configure: (inout AppConfiguration) -> Void, _ body: (TestServer) async throws -> R
    ) async throws -> R {
        var configuration = AppConfiguration()
        configuration.dataDirectory = dataDirectory
        configuration.port = try freePort()
        configuration.tls = tls ? .localCertificateAuthority : .none
        // On PostgreSQL when the suite runs with GRAPHSYNC_TEST_POSTGRES_URL: a database of its own per data directory,
        // kept for a restart on the same directory.
        let remembered = (dataDirectory as NSString).appendingPathComponent("test-database-url")
        if let url = try? String(contentsOfFile: remembered, encoding: .utf8) {
            configuration.databaseURL = url
        } else if let url = try await TestPostgres.freshDatabaseURL() {
            configuration.databaseURL = url
            try url.write(toFile: remembered, atomically: true, encoding: .utf8)
        }
        configure(&configuration)
        var logger = Logger(label: "graphsync-test")
        logger[metadataKey: "testPort"] = "\(configuration.port)"
        logger.logLevel = ProcessInfo.processInfo.environment["GRAPHSYNC_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning

        let runtime = try await GraphSyncRuntime.open(configuration, logger: logger)
        let facts = try await runtime.rotateBootstrapSecrets()
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(runtime: runtime, logger: logger) { port in readyContinuation.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))

        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if tls { tlsConfiguration.trustRoots = .file(try runtime.certificateAuthority().caCertificatePath) }
        // Up to 32 connections: tests send 20 requests at once, and a request queued behind 8 slow ones (AHC's default)
        // failed with getConnectionFromPoolTimeout on a loaded machine.
        var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: tlsConfiguration)
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // Ends the readiness stream however the server stops, so a failed start cannot leave the test waiting.
                defer { readyContinuation.finish() }
                try await group.run()
            }
            var iterator = ready.makeAsyncIterator()
            guard await iterator.next() != nil else {
                try? await client.shutdown()
                var reason = "it stopped without an error"
                do { try await tasks.waitForAll() } catch { reason = String(describing: error) }
                try? await runtime.close()
                throw DidNotStart(reason: reason)
            }
            let server = TestServer(
                runtime: runtime, facts: facts, baseURL: "\(configuration.scheme)://127.0.0.1:\(configuration.port)", client: client)
            do {
                let result = try await body(server)
                try await client.shutdown()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                try? await client.shutdown()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// Everything the database holds, as bytes (the SQLite file, or every PostgreSQL row as text): what a thief of the
    /// database would see, to check that secrets are not in it in clear.
    func storedBytes() async throws -> Data {
        guard self.runtime.configuration.databaseURL != nil else {
            return try Data(contentsOf: URL(fileURLWithPath: self.dataDirectory + "/graphsync.sqlite"))
        }
        return try await self.runtime.database.read { db in
            var bytes = Data()
            let tables = try await db.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").all()
                .map { try $0.decode(column: "table_name", as: String.self) }
            for table in tables {
                for row in try await db.raw("SELECT CAST(t AS TEXT) AS content FROM \(ident: table) t").all() {
                    bytes += Data(try row.decode(column: "content", as: String.self).utf8)
                }
            }
            return bytes
        }
    }

    static func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("graphsync-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    // MARK: HTTP

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any] ?? [:] }
        var errorCode: String? { (self.json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (self.json["error"] as? [String: Any])?["message"] as? String }
        var text: String { String(decoding: self.body, as: UTF8.self) }
        subscript(key: String) -> Any? { self.json[key] }
    }

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, body: String? = nil,
        contentType: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
        } else if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
        }
        let response = try await self.client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: buffer))
    }

    /// A token from the built-in token endpoint (client credentials, or password when a user is given).
    func token(clientId: String? = nil, secret: String? = nil, username: String? = nil, password: String? = nil, scope: String? = nil)
        async throws -> String
    {
        var form = [
            ("client_id", clientId ?? self.facts.clientId), ("client_secret", secret ?? self.facts.clientSecret),
        ]
        if let username, let password {
            form += [("grant_type", "password"), ("username", username), ("password", password),
                     ("scope", scope ?? "https://graph.microsoft.com/.default openid profile offline_access")]
        } else {
            form += [("grant_type", "client_credentials"), ("scope", scope ?? "https://graph.microsoft.com/.default")]
        }
        let reply = try await self.send(.POST, "/\(self.tenantId)/oauth2/v2.0/token", body: Self.formEncode(form),
                                        contentType: "application/x-www-form-urlencoded")
        try #require(reply.status == 200, "token request failed: \(reply.text)")
        return try #require(reply["access_token"] as? String)
    }

    /// A token with exactly these claims, signed by this server's authority (for permission-matrix cases).
    func mint(_ grant: AccessTokenGrant, issuer: String? = nil, now: Date = Date()) async throws -> String {
        let keyRing = try await SigningKeyRing.load(from: self.runtime.repositories.tenants, cipher: self.runtime.cipher)
        return try await TokenMinter(keyRing: keyRing).mint(grant, issuer: issuer ?? self.issuer, now: now).accessToken
    }

    func appGrant(roles: [String], objectId: String? = nil, tenantId: String? = nil) -> AccessTokenGrant {
        AccessTokenGrant(
            kind: .application, tenantId: tenantId ?? self.tenantId, objectId: objectId ?? Identifiers.objectId(),
            clientAppId: Identifiers.objectId(), audience: "https://graph.microsoft.com", roles: roles)
    }

    func userGrant(scopes: [String], wids: [String], objectId: String? = nil, tenantId: String? = nil) -> AccessTokenGrant {
        AccessTokenGrant(
            kind: .delegated, tenantId: tenantId ?? self.tenantId, objectId: objectId ?? Identifiers.objectId(),
            clientAppId: self.facts.clientId, audience: "https://graph.microsoft.com", scopes: scopes, roleTemplateIds: wids)
    }

    /// An admin token (the bootstrap app: Application.ReadWrite.All and more).
    func adminToken() async throws -> String { try await self.token() }

    static func formEncode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }
}

/// A TCP port that was free a moment ago.
func freePort() throws -> Int {
    // Not an ephemeral port (the kernel's 32768–60999): those are also handed to outgoing connections, which could take
    // the port between this check and the server's bind. A port below that range that binds now is free unless
    // another test picks the same one first (TestServer then retries on another port).
    for _ in 0..<100 {
        let port = Int.random(in: 20_000..<32_768)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound == 0 { return port }
    }
    throw NoFreePort()
}

struct NoFreePort: Error {}

#if canImport(Glibc)
import Glibc
#endif
