import Foundation
import GraphSyncCore
import Testing

/// Bad `acquireAccessToken` requests get a 400 (or 401/415) naming the problem, and never reach the token endpoint.
@Suite struct AcquireAccessTokenRequestTests {
    @Test func badBodiesAreNamed() async throws {
        try await AcquireAccessTokenTests.withSetup { server, endpoint, sp, admin in
            let path = "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken"
            func expect400(_ json: Any?, body: String? = nil, mentions: String, code: String? = nil) async throws {
                let reply = try await server.send(.POST, path, token: admin, json: json, body: body)
                #expect(reply.status == 400, "\(mentions): \(reply.text)")
                #expect(reply.errorMessage?.contains(mentions) == true, "expected '\(mentions)' in \(reply.errorMessage ?? "")")
                if let code { #expect(reply.errorCode == code) }
            }
            // The documentation's own example: one item with only @odata.type.
            try await expect400(["credentials": [["@odata.type": "microsoft.graph.synchronizationSecretKeyStringValuePair"]]],
                                mentions: "Oauth2TokenExchangeUri", code: "CredentialsMissing")
            try await expect400(nil, body: #"{"credentials": [}"#, mentions: "Unable to read JSON")
            try await expect400([String: String](), mentions: "credentials")
            try await expect400(["credentials": "Oauth2ClientId=x"], mentions: "must be an array")
            try await expect400(["credentials": [["key": "Oauth2ClientId", "value": 42]]], mentions: "must be a string")
            try await expect400(["credentials": [["key": "Oauth2Nonsense", "value": "x"]]], mentions: "Oauth2Nonsense")
            try await expect400(["credentials": [["key": "Oauth2ClientId", "value": "a"], ["key": "oauth2clientid", "value": "b"]]],
                                mentions: "more than once")
            try await expect400(["credentials": [], "extra": true], mentions: "extra")
            try await expect400(["credentials": [["key": "Oauth2ClientId", "value": "a", "@odata.type": "#microsoft.graph.user"]]],
                                mentions: "@odata.type")
            // Required inputs missing, neither in the request nor saved.
            try await expect400(["credentials": [["key": "Oauth2AuthorizationCode", "value": "good"],
                                                 ["key": "Oauth2RedirectUri", "value": TestTokenEndpoint.redirectURI]]],
                                mentions: "Oauth2TokenExchangeUri, Oauth2ClientId", code: "CredentialsMissing")
            try await expect400(["credentials": [["key": "Oauth2TokenExchangeUri", "value": endpoint.tokenURL]]],
                                mentions: "No grant can be made", code: "CredentialsMissing")
            #expect(endpoint.requests.isEmpty)

            // Keys match case-insensitively and @odata.type is accepted in both spellings.
            let mixedCase = try await server.send(.POST, path, token: admin, json: ["credentials": [
                ["key": "oauth2tokenexchangeuri", "value": endpoint.tokenURL, "@odata.type": "#microsoft.graph.synchronizationSecretKeyStringValuePair"],
                ["key": "OAUTH2CLIENTID", "value": TestTokenEndpoint.clientId],
                ["key": "Oauth2ClientSecret", "value": TestTokenEndpoint.clientSecret],
            ]])
            #expect(mixedCase.status == 204, "\(mixedCase.text)")

            // Headers: JSON content type required (charset allowed); bearer token required.
            let text = try await server.send(.POST, path, token: admin, body: #"{"credentials":[]}"#, contentType: "text/plain")
            #expect(text.status == 415)
            #expect(text.errorCode == "UnsupportedMediaType")
            let charset = try await server.send(.POST, path, token: admin, body: #"{"credentials":[]}"#, contentType: "application/json; charset=utf-8")
            #expect(charset.status == 204 || charset.status == 400)
            #expect(charset.status != 415)
            let anonymous = try await server.send(.POST, path, json: ["credentials": []])
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "InvalidAuthenticationToken")

            let unknown = try await server.send(.POST, "/v1.0/servicePrincipals/\(UUID().uuidString.lowercased())/synchronization/acquireAccessToken",
                                                token: admin, json: ["credentials": []])
            #expect(unknown.status == 404)
            #expect(try await server.send(.GET, path, token: admin).status == 405)
        }
    }

    /// PUT replaces the whole set (what Terraform's azuread provider relies on, see docs/fidelity.md), and GET lists the
    /// keys in the order they were saved, every value masked.
    @Test func putSecretsReplacesTheSetAndKeepsItsOrder() async throws {
        try await AcquireAccessTokenTests.withSetup { server, _, sp, admin in
            let path = "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets"
            func listed() async throws -> [[String: String]] {
                let reply = try await server.send(.GET, path, token: admin)
                #expect(reply.status == 200)
                return try #require(reply["value"] as? [[String: String]], "\(reply.text)")
            }
            let put = try await server.send(.PUT, path, token: admin, json: ["value": [
                ["key": "SyncAll", "value": "False"], ["key": "BaseAddress", "value": "https://scim.example/v2"],
                ["key": "SecretToken", "value": "static-bearer-123"],
            ]])
            #expect(put.status == 204, "\(put.text)")
            var stored = try await server.runtime.repositories.synchronizationSecrets.secrets(of: sp.id)
            #expect(stored.values == [.baseAddress: "https://scim.example/v2", .secretToken: "static-bearer-123", .syncAll: "False"])
            #expect(try await listed() == [["key": "SyncAll", "value": "*"], ["key": "BaseAddress", "value": "*"], ["key": "SecretToken", "value": "*"]])

            // A key left out is removed; the order is the new request's.
            #expect(try await server.send(.PUT, path, token: admin, json: ["value": [
                ["key": "BaseAddress", "value": "https://scim.example/v2"], ["key": "SyncAll", "value": "True"],
            ]]).status == 204)
            stored = try await server.runtime.repositories.synchronizationSecrets.secrets(of: sp.id)
            #expect(stored.keys == [.baseAddress, .syncAll] && stored[.syncAll] == "True")

            // Terraform's delete: the keys with empty values. Then GET still answers a (now empty) value array.
            #expect(try await server.send(.PUT, path, token: admin, json: ["value": [
                ["key": "BaseAddress", "value": ""], ["key": "SyncAll", "value": ""],
            ]]).status == 204)
            #expect(try await listed().isEmpty)
            #expect(try await server.send(.GET, path, token: admin).text.contains("\"value\":[]"))

            let unknownKey = try await server.send(.PUT, path, token: admin, json: ["value": [["key": "Colour", "value": "red"]]])
            #expect(unknownKey.status == 400)
            #expect(unknownKey.errorMessage?.contains("Colour") == true)
            #expect(!(try await server.send(.GET, path, token: admin).text.contains("scim.example")))
        }
    }

    /// The seed's permission table, row by row. "Allowed" shows as 400 CredentialsMissing (authorization passed,
    /// then the empty request was judged); "refused" as 403.
    @Test func permissionMatrix() async throws {
        try await AcquireAccessTokenTests.withSetup { server, _, sp, _ in
            let path = "/v1.0/servicePrincipals/\(sp.id)/synchronization/acquireAccessToken"
            func status(_ token: String) async throws -> Int {
                try await server.send(.POST, path, token: token, json: ["credentials": []]).status
            }
            let sync = "Synchronization.ReadWrite.All"
            for role in [DirectoryRoleTemplate.applicationAdministrator, .cloudApplicationAdministrator, .hybridIdentityAdministrator, .globalAdministrator] {
                #expect(try await status(server.mint(server.userGrant(scopes: [sync], wids: [role.id]))) == 400, "\(role.displayName)")
            }
            #expect(try await status(server.mint(server.userGrant(scopes: [sync], wids: []))) == 403)
            #expect(try await status(server.mint(server.userGrant(scopes: [sync], wids: [DirectoryRoleTemplate.userAdministrator.id]))) == 403)
            #expect(try await status(server.mint(server.userGrant(scopes: ["Synchronization.Read.All"], wids: [DirectoryRoleTemplate.globalAdministrator.id]))) == 403)
            #expect(try await status(server.mint(server.userGrant(scopes: [sync], wids: [DirectoryRoleTemplate.globalAdministrator.id],
                                                                  tenantId: WellKnown.personalAccountTenantId))) == 403)

            #expect(try await status(server.mint(server.appGrant(roles: [sync]))) == 400)
            #expect(try await status(server.mint(server.appGrant(roles: ["Application.ReadWrite.All"]))) == 403)
            #expect(try await status(server.mint(server.appGrant(roles: ["Synchronization.Read.All"]))) == 403)
            let ownedBy = "Application.ReadWrite.OwnedBy"
            #expect(try await status(server.mint(server.appGrant(roles: [ownedBy]))) == 403)
            // An OwnedBy app that owns the service principal may.
            let owner = try await server.runtime.createApplication(displayName: "owner", permissions: [.applicationReadWriteOwnedBy])
            _ = try await server.runtime.repositories.owners.add(
                owner: DirectoryObjectSummary(id: owner.servicePrincipal.id, type: .servicePrincipal, displayName: "owner"), to: sp.id)
            #expect(try await status(server.token(clientId: owner.servicePrincipal.appId, secret: owner.secret)) == 400)

            // Reads accept Synchronization.Read.All.
            let reader = try await server.mint(server.appGrant(roles: ["Synchronization.Read.All"]))
            #expect(try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets", token: reader).status == 200)
            #expect(try await server.send(.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/secrets", token: reader,
                                          json: ["value": []]).status == 403)
        }
    }
}
