import Foundation
import Testing

/// `/organization` and `/domains`, as Terraform's `azuread_domains` and scripts read them.
@Suite struct OrganizationTests {
    // MARK: Tests

    @Test func organizationIsTheTenantWithItsDomain() async throws {
        try await TestServer.run { server in
            let token = try await server.mint(server.appGrant(roles: ["Organization.Read.All"]))
            let list = try await server.send(.GET, "/v1.0/organization", token: token)
            #expect(list.status == 200, "\(list.text)")
            let organization = try #require((list["value"] as? [[String: Any]])?.first)
            #expect(organization["id"] as? String == server.tenantId)
            #expect(organization["displayName"] is String && organization["businessPhones"] as? [Any] != nil)
            let domains = try #require(organization["verifiedDomains"] as? [[String: Any]])
            #expect(domains.count == 1 && domains[0]["isDefault"] as? Bool == true && domains[0]["isInitial"] as? Bool == true)
            let one = try await server.send(.GET, "/v1.0/organization/\(server.tenantId)", token: token)
            #expect(one.status == 200 && one["id"] as? String == server.tenantId)
            #expect(try await server.send(.GET, "/v1.0/organization/\(UUID().uuidString)", token: token).status == 404)
            // Signed-in users read it with User.Read; nothing without a permission.
            let user = try await server.mint(server.userGrant(scopes: ["User.Read"], wids: []))
            #expect(try await server.send(.GET, "/v1.0/organization", token: user).status == 200)
            let none = try await server.mint(server.appGrant(roles: []))
            #expect(try await server.send(.GET, "/v1.0/organization", token: none).status == 403)
            #expect(try await server.send(.GET, "/v1.0/domains", token: user).status == 403)
        }
    }

    @Test func domainsListTheDefaultDomain() async throws {
        try await TestServer.run { server in
            let token = try await server.mint(server.appGrant(roles: ["Domain.Read.All"]))
            let list = try await server.send(.GET, "/v1.0/domains", token: token)
            #expect(list.status == 200, "\(list.text)")
            let domain = try #require((list["value"] as? [[String: Any]])?.first)
            let name = try #require(domain["id"] as? String)
            #expect(domain["isVerified"] as? Bool == true && domain["isDefault"] as? Bool == true)
            #expect(domain["authenticationType"] as? String == "Managed")
            let one = try await server.send(.GET, "/v1.0/domains/\(name.uppercased())", token: token)
            #expect(one.status == 200 && one["id"] as? String == name)
            #expect(try await server.send(.GET, "/v1.0/domains/nowhere.example", token: token).status == 404)
            let directory = try await server.mint(server.appGrant(roles: ["Directory.Read.All"]))
            #expect(try await server.send(.GET, "/v1.0/domains", token: directory).status == 200)
        }
    }
}
