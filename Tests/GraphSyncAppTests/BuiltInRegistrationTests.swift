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
            let me = try #require(try await repositories.users.get(userPrincipalName: server.facts.adminUserPrincipalName))
            let owner = ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(me.id)"]
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
                    ("add application owner", try await server.send(.POST, "/v1.0/applications/\(application.id)/owners/$ref", token: admin, json: owner)),
                    ("add servicePrincipal owner", try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/owners/$ref", token: admin, json: owner)),
                    ("DELETE servicePrincipal", try await server.send(.DELETE, "/v1.0/servicePrincipals/\(sp.id)", token: admin)),
                    ("DELETE application", try await server.send(.DELETE, "/v1.0/applications/\(application.id)", token: admin)),
                ]
                for (what, reply) in attempts {
                    #expect(reply.status == 403 && reply.errorCode == "Authorization_RequestDenied"
                            && reply.errorMessage?.contains("built into GraphSync") == true, "\(appId) \(what): \(reply.status) \(reply.text)")
                }
                #expect(try await repositories.applications.get(appId: appId) == application, "\(appId) is unchanged")
                #expect(try await repositories.servicePrincipals.get(appId: appId) == sp)
                #expect(try await repositories.owners.owners(of: application.id).allSatisfy { $0.id != me.id })
                #expect(try await repositories.owners.owners(of: sp.id).allSatisfy { $0.id != me.id })
            }
            // Other applications stay editable.
            let (appId, _) = try await SignInTests.registerApp(server)
            let other = try #require(try await repositories.applications.get(appId: appId))
            #expect(try await server.send(.PATCH, "/v1.0/applications/\(other.id)", token: admin, json: ["displayName": "Renamed"]).status == 204)
        }
    }
}
