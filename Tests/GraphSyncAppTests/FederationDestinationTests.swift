import Foundation
import GraphSyncCore
import Hummingbird
import Synchronization
import Testing

/// Workload identity federation is bound to where its tokens go: a caller with only Synchronization.ReadWrite.All who
/// moves `BaseAddress` (or the token URL, or the client id) drops it, so no token GraphSync's assertion obtained is
/// sent to the caller's server; setting it up needs the right to manage the application.
@Suite struct FederationDestinationTests {
    /// A SaaS app on loopback: a token endpoint that answers any client assertion with a token, and SCIM under
    /// `/legit/scim` and `/evil/scim`, each request recorded with its Authorization header.
    final class SaaS: Sendable {
        let assertions = Mutex<Int>(0)
        let scimCalls = Mutex<[(path: String, authorization: String?)]>([])
        static let token = "token-from-a-federated-exchange"

        func serve<R: Sendable>(_ body: (Int) async throws -> R) async throws -> R {
            let router = Router()
            router.post("oauth/token") { request, _ -> Response in
                let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
                guard form.contains("client_assertion=") else {
                    return Response(status: .unauthorized, headers: [.contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(string: #"{"error":"invalid_client"}"#)))
                }
                self.assertions.withLock { $0 += 1 }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(
                    string: #"{"access_token":"\#(Self.token)","token_type":"Bearer","expires_in":3600}"#)))
            }
            for prefix in ["legit", "evil"] {
                router.get("\(prefix)/scim/**") { request, _ -> Response in
                    self.scimCalls.withLock { $0.append((request.uri.path, request.headers[.authorization])) }
                    return Response(status: .ok, headers: [.contentType: "application/scim+json"], body: .init(byteBuffer: ByteBuffer(
                        string: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#)))
                }
            }
            return try await LoopbackService.serve(router, label: "federated-saas", body)
        }

        var tokensSentToEvil: Int { self.scimCalls.withLock { $0.filter { $0.path.hasPrefix("/evil") && $0.authorization != nil }.count } }
    }

    // MARK: Tests

    @Test func movingBaseAddressWithoutTheRightToManageTheAppDropsFederation() async throws {
        let saas = SaaS()
        try await saas.serve { port in
            try await TestServer.run(configure: { $0.allowTokenURLsTo = [.loopback] }) { server in
                let admin = try await server.adminToken()
                let app = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "Federated"])
                let sp = try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": app["appId"] as? String ?? ""])
                let spId = try #require(sp["id"] as? String, "\(sp.text)")
                let sync = "/v1.0/servicePrincipals/\(spId)/synchronization"
                func secrets(base: String) -> [String: Any] {
                    ["value": [
                        ["key": "BaseAddress", "value": "http://127.0.0.1:\(port)/\(base)/scim"],
                        ["key": "Oauth2TokenExchangeUri", "value": "http://127.0.0.1:\(port)/oauth/token"],
                        ["key": "Oauth2ClientId", "value": "vendor-client"], ["key": "AuthenticationType", "value": "WorkloadIdentityFederation"],
                    ]]
                }
                #expect(try await server.send(.PUT, "\(sync)/secrets", token: admin, json: secrets(base: "legit")).status == 204)
                let job = try await server.send(.POST, "\(sync)/jobs", token: admin, json: ["templateId": "scim"])
                let jobId = try #require(job["id"] as? String, "\(job.text)")
                let test = try await server.send(.POST, "\(sync)/jobs/\(jobId)/validateCredentials", token: admin, json: ["useSavedCredentials": true])
                #expect(test.status == 204, "the administrator's federation works: \(test.text)")
                let before = saas.assertions.withLock { $0 }
                #expect(before == 1)

                // A caller who may only write synchronization settings cannot set federation up …
                let syncOnly = try await server.mint(server.appGrant(roles: ["Synchronization.ReadWrite.All"]))
                let other = try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: [
                    "appId": try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "Other"])["appId"] as? String ?? "",
                ])
                let refused = try await server.send(.PUT, "/v1.0/servicePrincipals/\(other["id"] as? String ?? "")/synchronization/secrets", token: syncOnly,
                                                    json: secrets(base: "evil"))
                #expect(refused.status == 403, "\(refused.text)")

                // … and moving the Tenant URL of a federated app drops federation.
                #expect(try await server.send(.PUT, "\(sync)/secrets", token: syncOnly, json: secrets(base: "evil")).status == 204)
                let saved = try await server.send(.GET, "\(sync)/secrets", token: admin)
                #expect(!saved.text.contains("AuthenticationType"), "\(saved.text)")
                let moved = try await server.send(.POST, "\(sync)/jobs/\(jobId)/validateCredentials", token: syncOnly, json: ["useSavedCredentials": true])
                #expect(moved.status == 400, "\(moved.text)")
                let user = try await server.send(.GET, "/v1.0/users?$top=1", token: admin)
                let userId = ((user["value"] as? [[String: Any]])?.first?["id"] as? String) ?? ""
                _ = try await server.send(.POST, "\(sync)/jobs/\(jobId)/provisionOnDemand", token: syncOnly, json: ["parameters": [[
                    "ruleId": "", "subjects": [["objectId": userId, "objectTypeName": "User"]],
                ]]])
                #expect(saas.assertions.withLock { $0 } == before, "no federated token was obtained after the move")
                #expect(saas.tokensSentToEvil == 0, "no token reached the new address")

                // Someone who may manage the application sets it up again.
                #expect(try await server.send(.PUT, "\(sync)/secrets", token: admin, json: secrets(base: "evil")).status == 204)
                #expect(try await server.send(.POST, "\(sync)/jobs/\(jobId)/validateCredentials", token: admin, json: ["useSavedCredentials": true]).status == 204)
            }
        }
    }
}
