import Foundation
import Testing

/// With a public URL, every node presents one authority: the issuer, discovery and links name it, whatever address a
/// request reached, and a token minted by one node is accepted by another node of the same tenant.
@Suite struct PublicURLTests {
    @Test func theIssuerAndLinksNameThePublicURL() async throws {
        let directory = TestServer.temporaryDirectory()
        let publicURL = "https://graphsync.example.test"
        let token = try await TestServer.run(dataDirectory: directory, configure: { $0.publicURL = publicURL }) { server in
            let discovery = try await server.send(.GET, "/\(server.tenantId)/v2.0/.well-known/openid-configuration")
            #expect(discovery["issuer"] as? String == "\(publicURL)/\(server.tenantId)/v2.0")
            #expect((discovery["token_endpoint"] as? String)?.hasPrefix(publicURL) == true)
            let admin = try await server.adminToken()
            for name in ["a", "b"] { _ = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name]) }
            let page = try await server.send(.GET, "/v1.0/applications?$top=1", token: admin)
            #expect((page["@odata.nextLink"] as? String)?.hasPrefix("\(publicURL)/v1.0/applications?") == true)
            return admin
        }
        // A second node (another port) on the same data: the token of the first is one of its own.
        try await TestServer.run(dataDirectory: directory, configure: { $0.publicURL = publicURL }) { server in
            let reply = try await server.send(.GET, "/v1.0/applications", token: token)
            #expect(reply.status == 200, "\(reply.text)")
        }
    }
}
