import AsyncHTTPClient
import Foundation
import GraphSyncCore
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// The server's own edges under hostile clients: slow or silent connections, oversize bodies, a forged Host header,
/// old TLS, file permissions, and what a deletion takes with it.
@Suite struct ServerEdgeTests {
    @Test func silentHalfSentAndDrippingClientsAreCutOff() async throws {
        try await TestServer.run(configure: {
            $0.requestReadTimeout = 1
            $0.idleConnectionTimeout = 2
        }) { server in
            let port = try #require(URL(string: server.baseURL)?.port)
            // Silence after connecting, half a header (slowloris), a body that never finishes.
            for opening in ["", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"] {
                let connection = try RawConnection(port: port)
                defer { connection.close() }
                connection.send(opening)
                let closedAfter = await connection.secondsUntilClosed(limit: 10)
                #expect(closedAfter != nil && closedAfter! < 5, "\(opening.debugDescription) stayed open")
            }
            // A kept-alive connection is closed once idle, after a complete exchange.
            let connection = try RawConnection(port: port)
            defer { connection.close() }
            connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let closedAfter = await connection.secondsUntilClosed(limit: 10)
            #expect(closedAfter != nil && closedAfter! < 6)
            // And the server still serves.
            #expect(try await server.send(.GET, "/health").status == 200)
        }
    }

    @Test func silentTLSConnectionIsCutOffAndOldTLSIsRefused() async throws {
        try await TestServer.run(tls: true, configure: { $0.requestReadTimeout = 1 }) { server in
            let port = try #require(URL(string: server.baseURL)?.port)
            let connection = try RawConnection(port: port)
            defer { connection.close() }
            let closedAfter = await connection.secondsUntilClosed(limit: 10)
            #expect(closedAfter != nil && closedAfter! < 5, "a connection that never starts TLS stays open")

            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(try server.runtime.certificateAuthority().caCertificatePath)
            tls.minimumTLSVersion = .tlsv1
            tls.maximumTLSVersion = .tlsv11
            let old = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
            defer { _ = old.shutdown() }
            await #expect(throws: (any Error).self) {
                _ = try await old.execute(HTTPClientRequest(url: server.baseURL + "/health"), timeout: .seconds(5))
            }
        }
    }

    @Test func oversizeBodiesAre413OnEveryRoute() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            let job = try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs", token: admin, json: ["templateId": "scim"])
            let jobId = try #require(job["id"] as? String)
            let big = "{\"x\":\"" + String(repeating: "a", count: 2 << 20) + "\"}"
            for (method, path) in [
                (HTTPMethod.POST, "/v1.0/applications"), (.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs/\(jobId)/schema"),
                (.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets"), (.PATCH, "/v1.0/users/\(server.facts.adminUserPrincipalName)"),
            ] {
                let reply = try await server.send(method, path, token: admin, body: big)
                #expect(reply.status == 413, "\(method) \(path): \(reply.status) \(reply.text.prefix(200))")
            }
            let token = try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", body: "client_id=" + String(repeating: "a", count: 200_000),
                                              contentType: "application/x-www-form-urlencoded")
            #expect(token.status == 413, "\(token.text.prefix(200))")
        }
    }

    @Test func nextLinksIgnoreAForgedHostHeader() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for name in ["a", "b", "c"] {
                _ = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name])
            }
            let reply = try await server.send(.GET, "/v1.0/applications?$top=1", token: admin, headers: [("Host", "evil.example")])
            let next = try #require(reply["@odata.nextLink"] as? String)
            #expect(next.hasPrefix(server.baseURL + "/v1.0/applications?"), "\(next)")
            #expect((reply["@odata.context"] as? String)?.hasPrefix(server.baseURL) == true)
        }
    }

    @Test func dataDirectoryAndDatabaseArePrivate() async throws {
        let directory = TestServer.temporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        try await TestServer.run(dataDirectory: directory) { server in
            func mode(_ path: String) -> Int? {
                (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
            }
            #expect(mode(directory) == 0o700)
            guard server.runtime.configuration.databaseURL == nil else { return }  // on PostgreSQL there is no file
            let database = (directory as NSString).appendingPathComponent("graphsync.sqlite")
            #expect(mode(database) == 0o600)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
                #expect(mode(database + suffix) == 0o600, "\(suffix)")
            }
        }
    }

    @Test func deletingAServicePrincipalDeletesItsSynchronization() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (application, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            let base = "/v1.0/servicePrincipals/\(sp.id)/synchronization"
            #expect(try await server.send(.POST, "\(base)/jobs", token: admin, json: ["templateId": "scim"]).status == 201)
            #expect(try await server.send(.PUT, "\(base)/secrets", token: admin, json: ["value": [
                ["key": "BaseAddress", "value": "https://scim.example/v2"], ["key": "SecretToken", "value": "s3cret"],
            ]]).status == 204)
            let repositories = server.runtime.repositories
            let jobs = try await repositories.jobs.list(servicePrincipalId: sp.id)
            try await repositories.provisionedObjects.save([ProvisionedObject(jobId: jobs[0].id, sourceId: "u1", objectType: "User")])
            #expect(try await server.send(.DELETE, "/v1.0/applications/\(application.id)", token: admin).status == 204)
            #expect(try await repositories.jobs.list(servicePrincipalId: sp.id).isEmpty)
            #expect(try await repositories.jobs.get(id: jobs[0].id) == nil)
            #expect(try await repositories.synchronizationSecrets.secrets(of: sp.id).values.isEmpty)
            #expect(try await repositories.provisionedObjects.objects(jobId: jobs[0].id, sourceIds: ["u1"]).isEmpty)
        }
    }
}
