import Foundation
import GraphSyncCore
import Testing

/// GraphSync's own registrations (the console and the bootstrap admin app, applications and service principals) are
/// read-only to Graph, as Entra protects first-party apps (security review 21, item 7); start-up still maintains them.
@Suite struct BuiltInRegistrationTests {
    @Test func builtInRegistrationsCannotBeChangedThroughGraph() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let repositories = server.runtime.repositories
            for appId in [WellKnown.consoleAppId, server.facts.clientId] {
                let application = try #require(try await repositories.applications.get(appId: appId))
                let sp = try #require(try await repositories.servicePrincipals.get(appId: appId))
                let attempts: [(String, TestServer.Reply)] = [
                    ("PATCH application", try await server.send(.PATCH, "/v1.0/applications/\(application.id)", token: admin, json: [
                        "publicClient": ["redirectUris": ["http://127.0.0.1:1/console/callback"]], "isFallbackPublicClient": true,
                    ])),
                    ("addPassword", try await server.send(.POST, "/v1.0/applications/\(application.id)/addPassword", token: admin,
                                                          json: ["passwordCredential": [:]])),
                    ("PATCH servicePrincipal", try await server.send(.PATCH, "/v1.0/servicePrincipals/\(sp.id)", token: admin,
                                                                     json: ["accountEnabled": false])),
                    ("servicePrincipal addPassword", try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/addPassword", token: admin,
                                                                           json: ["passwordCredential": [:]])),
                    ("DELETE servicePrincipal", try await server.send(.DELETE, "/v1.0/servicePrincipals/\(sp.id)", token: admin)),
                    ("DELETE application", try await server.send(.DELETE, "/v1.0/applications/\(application.id)", token: admin)),
                ]
                for (what, reply) in attempts {
                    #expect(reply.status == 403 && reply.errorCode == "Authorization_RequestDenied"
                            && reply.errorMessage?.contains("built into GraphSync") == true, "\(appId) \(what): \(reply.status) \(reply.text)")
                }
                #expect(try await repositories.applications.get(appId: appId) == application, "\(appId) is unchanged")
                #expect(try await repositories.servicePrincipals.get(appId: appId) == sp)
            }
            // Other applications stay editable.
            let (appId, _) = try await SignInTests.registerApp(server)
            let other = try #require(try await repositories.applications.get(appId: appId))
            #expect(try await server.send(.PATCH, "/v1.0/applications/\(other.id)", token: admin, json: ["displayName": "Renamed"]).status == 204)
        }
    }
}
