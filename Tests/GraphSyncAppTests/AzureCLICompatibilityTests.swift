import Foundation
import Testing

/// What Azure CLI (`az ad`) and Terraform send that Graph accepts: credentials on create, certificate
/// `keyCredentials`, and `servicePrincipalNames/any(…)` filters.
@Suite struct AzureCLICompatibilityTests {
    /// A self-signed EC certificate (DER, base64), valid 2026-12-08 to 2036-12-05.
    static let certificate = """
        MIIBhjCCAS2gAwIBAgIUDwiCdI3m3kGci3YTCfnzZeqQ2I4wCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOZ3JhcGhzeW5jLXRlc3QwHhcNMjYxMjA4MDE0MTEwWhcNMzYxMjA1\
        MDE0MTEwWjAZMRcwFQYDVQQDDA5ncmFwaHN5bmMtdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI7BQElfPfHwnICWIeb4kfg4s3gnxHPAzRMlU3twKbpPK9hdVPVP\
        r7wCCAFEPLKUCTse6OL2pOLAPM6oyNd8MhSjUzBRMB0GA1UdDgQWBBTVoQIvnIZ1sNsrbYM8IjUPVG+01DAfBgNVHSMEGDAWgBTVoQIvnIZ1sNsrbYM8IjUPVG+01DAPBgNV\
        HRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIFn3bWyUZf2Ouj1m55Mn/6/wrZeBpt0X/CYcDTY5b6NFAiAR8+hGb7qIAuh0C802ZJXrTf+RYsUtVyzpVW4rmLslcw==
        """

    static func keyCredential(_ key: String = certificate) -> [String: Any] {
        ["type": "AsymmetricX509Cert", "usage": "Verify", "key": key, "displayName": "CN=graphsync-test"]
    }

    // MARK: Tests

    @Test func appCreateAcceptsEmptyKeyCredentialsAndPasswords() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let empty = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "az", "keyCredentials": [Any]()])
            #expect(empty.status == 201, "\(empty.text)")
            let created = try await server.send(
                .POST, "/v1.0/applications", token: admin,
                json: ["displayName": "tf", "passwordCredentials": [["displayName": "one", "endDateTime": "2030-01-01T00:00:00Z"]]])
            #expect(created.status == 201, "\(created.text)")
            let passwords = try #require(created["passwordCredentials"] as? [[String: Any]])
            let secret = try #require(passwords.first?["secretText"] as? String)
            #expect(passwords.count == 1 && passwords[0]["displayName"] as? String == "one")
            #expect(passwords[0]["hint"] as? String == String(secret.prefix(3)))
            #expect(passwords[0]["endDateTime"] as? String == "2030-01-01T00:00:00Z")
            // The secret works as a client secret, and is never shown again.
            let appId = try #require(created["appId"] as? String)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId]).status == 201)
            _ = try await server.token(clientId: appId, secret: secret)
            let read = try await server.send(.GET, "/v1.0/applications/\(created["id"] as? String ?? "")", token: admin)
            #expect(((read["passwordCredentials"] as? [[String: Any]])?.first?["secretText"]) is NSNull)
            // PATCH cannot set passwords (addPassword does), as in Graph.
            let patch = try await server.send(
                .PATCH, "/v1.0/applications/\(created["id"] as? String ?? "")", token: admin, json: ["passwordCredentials": [[String: Any]]()])
            #expect(patch.status == 400)
        }
    }

    @Test func certificatesAreStoredAndReplacedWithoutTheirKeys() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let created = try await server.send(
                .POST, "/v1.0/applications", token: admin, json: ["displayName": "cert", "keyCredentials": [Self.keyCredential()]])
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created["id"] as? String)
            let read = try await server.send(.GET, "/v1.0/applications/\(id)", token: admin)
            let keys = try #require(read["keyCredentials"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(keys.first?["key"] is NSNull)
            #expect(keys.first?["type"] as? String == "AsymmetricX509Cert" && keys.first?["usage"] as? String == "Verify")
            #expect(keys.first?["endDateTime"] as? String == "2036-12-05T01:41:10Z")
            #expect(keys.first?["customKeyIdentifier"] as? String == Data([0xBD, 0xF9, 0x08, 0x70, 0x89, 0xC1, 0x64, 0x1A, 0x78, 0xB6, 0x5B, 0x6D,
                                                                              0xA6, 0xA0, 0xDF, 0xC4, 0x15, 0x62, 0x2F, 0x5A]).base64EncodedString())
            #expect(UUID(uuidString: keys.first?["keyId"] as? String ?? "") != nil)
            // Not a certificate, or not a certificate credential: refused.
            for bad in [Self.keyCredential("bm90IGEgY2VydA=="), ["type": "Symmetric", "usage": "Verify", "key": Self.certificate]] {
                let refused = try await server.send(.PATCH, "/v1.0/applications/\(id)", token: admin, json: ["keyCredentials": [bad]])
                #expect(refused.status == 400, "\(refused.text)")
            }
            // PATCH replaces the collection.
            #expect(try await server.send(.PATCH, "/v1.0/applications/\(id)", token: admin, json: ["keyCredentials": [Any]()]).status == 204)
            let cleared = try await server.send(.GET, "/v1.0/applications/\(id)", token: admin)
            #expect((cleared["keyCredentials"] as? [Any])?.isEmpty == true)

            // Service principals take them too.
            let appId = try #require(created["appId"] as? String)
            let sp = try await server.send(
                .POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId, "keyCredentials": [Self.keyCredential()]])
            #expect(sp.status == 201, "\(sp.text)")
            #expect(((sp["keyCredentials"] as? [[String: Any]])?.first?["key"]) is NSNull)
            let spId = try #require(sp["id"] as? String)
            #expect(try await server.send(.PATCH, "/v1.0/servicePrincipals/\(spId)", token: admin, json: ["keyCredentials": [Any]()]).status == 204)
            let spRead = try await server.send(.GET, "/v1.0/servicePrincipals/\(spId)", token: admin)
            #expect((spRead["keyCredentials"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func servicePrincipalNamesAnyFilter() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let app = try await server.send(
                .POST, "/v1.0/applications", token: admin, json: ["displayName": "spn", "identifierUris": ["api://spn-test"]])
            let appId = try #require(app["appId"] as? String)
            #expect(try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": appId]).status == 201)
            for name in [appId, appId.uppercased(), "api://spn-test"] {
                let filter = "servicePrincipalNames/any(c:c eq '\(name)')".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let found = try await server.send(.GET, "/v1.0/servicePrincipals?$filter=\(filter)", token: admin)
                #expect(found.status == 200, "\(found.text)")
                #expect((found["value"] as? [[String: Any]])?.map { $0["appId"] as? String } == [appId], "\(name)")
            }
            let none = try await server.send(.GET, "/v1.0/servicePrincipals?$filter=servicePrincipalNames/any(x:x%20eq%20'nobody')", token: admin)
            #expect((none["value"] as? [Any])?.isEmpty == true)
            // A deleted service principal's names go with it, and come back with a restore.
            let byName = "/v1.0/servicePrincipals?$filter=servicePrincipalNames/any(c:c%20eq%20'api://spn-test')"
            let spId = try #require(((try await server.send(.GET, byName, token: admin))["value"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await server.send(.DELETE, "/v1.0/servicePrincipals/\(spId)", token: admin).status == 204)
            #expect((try await server.send(.GET, byName, token: admin)["value"] as? [Any])?.isEmpty == true)
            #expect(try await server.send(.POST, "/v1.0/directory/deletedItems/\(spId)/restore", token: admin).status == 200)
            #expect((try await server.send(.GET, byName, token: admin)["value"] as? [Any])?.count == 1)
            let bad = try await server.send(.GET, "/v1.0/servicePrincipals?$filter=servicePrincipalNames/any(x:y%20eq%20'a')", token: admin)
            #expect(bad.status == 400)
            let users = try await server.send(.GET, "/v1.0/users?$filter=servicePrincipalNames/any(x:x%20eq%20'a')", token: admin)
            #expect(users.status == 400)
        }
    }
}
