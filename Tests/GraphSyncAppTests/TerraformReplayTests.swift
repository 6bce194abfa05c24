import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// Terraform's azuread provider (v3.x, through go-azure-sdk; v2.x through hamilton) replayed request by request, with
/// its headers, its query encoding and its bodies, for the resources a provisioning setup uses. Sources, in
/// hashicorp/terraform-provider-azuread at f0169e0 (see docs/research/terraform-azuread-provider.md):
/// `internal/services/applications/application_resource.go`, `internal/services/serviceprincipals/service_principal_resource.go`,
/// `internal/services/synchronization/synchronization_secret_resource.go`, `…/synchronization_job_resource.go`,
/// `…/synchronization_job_provision_on_demand_resource.go`, `…/synchronization.go`, and go-azure-sdk's `sdk/odata/query.go`.
/// Each step asserts the status the provider accepts, and each read asserts what the provider compares (no drift).
@Suite struct TerraformReplayTests {
    /// What go-azure-sdk puts on every request, GET and DELETE included.
    static let headers = [
        ("Accept", "application/json; charset=utf-8; IEEE754Compatible=false"), ("Odata-Version", "4.0"), ("Odata-Maxversion", "4.0"),
        ("Content-Type", "application/json; charset=utf-8"),
    ]

    struct Provider {
        let server: TestServer
        let token: String

        func send(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> TestServer.Reply {
            if let body {
                return try await self.server.send(method, path, token: self.token, json: body, contentType: "application/json; charset=utf-8",
                                                  headers: TerraformReplayTests.headers.filter { $0.0 != "Content-Type" })
            }
            return try await self.server.send(method, path, token: self.token, headers: TerraformReplayTests.headers)
        }

        /// `consistency.WaitForUpdate`: the read must hold five times in a row.
        func fiveTimes(_ check: () async throws -> Bool) async throws -> Bool {
            for _ in 1...5 where try await !check() { return false }
            return true
        }
    }

    @Test func applicationServicePrincipalSecretJobAndProvisionOnDemandLifecycle() async throws {
        try await TestServer.run { server in
            let provider = Provider(server: server, token: try await server.adminToken())
            // The provider reads its own object id (`oid`); here: the bootstrap app's service principal.
            let me = try await provider.send(.GET, "/v1.0/servicePrincipals?%24filter=appId+eq+%27\(server.facts.clientId)%27")
            let callerId = try #require((me["value"] as? [[String: Any]])?.first?["id"] as? String)
            let bind = "https://graph.microsoft.com/v1.0/directoryObjects/\(callerId)"

            // azuread_application: create with every managed property, empty lists and nulls included.
            let created = try await provider.send(.POST, "/v1.0/applications", [
                "@odata.type": "#microsoft.graph.application",
                "api": ["acceptMappedClaims": false, "knownClientApplications": [], "oauth2PermissionScopes": [], "requestedAccessTokenVersion": 1],
                "appRoles": [], "description": NSNull(), "displayName": "acctest-APP-sync", "groupMembershipClaims": NSNull(),
                "identifierUris": [],
                "info": ["marketingUrl": NSNull(), "privacyStatementUrl": NSNull(), "supportUrl": NSNull(), "termsOfServiceUrl": NSNull()],
                "isDeviceOnlyAuthSupported": false, "isFallbackPublicClient": false, "notes": NSNull(), "optionalClaims": [:] as [String: Any],
                "publicClient": ["redirectUris": []], "requiredResourceAccess": [], "serviceManagementReference": NSNull(),
                "signInAudience": "AzureADMyOrg", "spa": ["redirectUris": []], "tags": [],
                "web": [
                    "homePageUrl": NSNull(), "logoutUrl": NSNull(), "redirectUris": [],
                    "implicitGrantSettings": ["enableAccessTokenIssuance": false, "enableIdTokenIssuance": false],
                ],
                "owners@odata.bind": [bind],
            ])
            try #require(created.status == 201, "\(created.text)")
            let appId = try #require(created["id"] as? String)
            let clientId = try #require(created["appId"] as? String)
            for name in ["TERRAFORM_UPDATE_\(UUID().uuidString)", "acctest-APP-sync"] {
                #expect(try await provider.send(.PATCH, "/v1.0/applications/\(appId)", ["@odata.type": "#microsoft.graph.application", "displayName": name]).status == 204)
            }
            let app = try await provider.send(.GET, "/v1.0/applications/\(appId)")
            #expect(app.status == 200)
            let api = try #require(app["api"] as? [String: Any])
            #expect(api["requestedAccessTokenVersion"] as? Int == 1 && api["acceptMappedClaims"] as? Bool == false)
            #expect(app["displayName"] as? String == "acctest-APP-sync" && app["isFallbackPublicClient"] as? Bool == false)
            #expect(app["isDeviceOnlyAuthSupported"] as? Bool == false && app["groupMembershipClaims"] is NSNull)
            #expect(app["serviceManagementReference"] is NSNull && app["description"] is NSNull && app["notes"] is NSNull)
            #expect((app["spa"] as? [String: Any])?["redirectUris"] as? [String] == [])
            #expect((app["publicClient"] as? [String: Any])?["redirectUris"] as? [String] == [])
            let web = try #require(app["web"] as? [String: Any])
            #expect(web["homePageUrl"] is NSNull && web["redirectUris"] as? [String] == [])
            #expect((web["implicitGrantSettings"] as? [String: Bool]) == ["enableAccessTokenIssuance": false, "enableIdTokenIssuance": false])
            #expect((app["info"] as? [String: Any])?.keys.sorted() == ["logoUrl", "marketingUrl", "privacyStatementUrl", "supportUrl", "termsOfServiceUrl"])
            let beta = try await provider.send(.GET, "/beta/applications/\(appId)?%24select=oauth2RequirePostResponse")
            #expect(beta["oauth2RequirePostResponse"] as? Bool == false, "\(beta.text)")
            let appOwners = try await provider.send(.GET, "/v1.0/applications/\(appId)/owners")
            #expect((appOwners["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [callerId])
            // A second read is the same read: nothing drifts.
            #expect(try await provider.send(.GET, "/v1.0/applications/\(appId)").text == app.text)

            // azuread_service_principal: the duplicate check, then create, then the description PATCH.
            let existing = try await provider.send(.GET, "/v1.0/servicePrincipals?%24filter=appId+eq+%27\(clientId)%27")
            #expect((existing["value"] as? [Any])?.isEmpty == true)
            let spCreated = try await provider.send(.POST, "/v1.0/servicePrincipals", [
                "@odata.type": "#microsoft.graph.servicePrincipal", "accountEnabled": true, "alternativeNames": [], "appId": clientId,
                "appRoleAssignmentRequired": false, "description": "TERRAFORM_UPDATE_\(UUID().uuidString)", "loginUrl": NSNull(), "notes": NSNull(),
                "notificationEmailAddresses": [], "preferredSingleSignOnMode": NSNull(), "samlSingleSignOnSettings": [:] as [String: Any],
                "tags": [], "owners@odata.bind": [bind],
            ])
            try #require(spCreated.status == 201, "\(spCreated.text)")
            let spId = try #require(spCreated["id"] as? String)
            #expect(try await provider.send(.PATCH, "/v1.0/servicePrincipals/\(spId)", ["@odata.type": "#microsoft.graph.servicePrincipal", "description": NSNull()]).status == 204)
            let sp = try await provider.send(.GET, "/v1.0/servicePrincipals/\(spId)")
            #expect(sp["description"] is NSNull && sp["loginUrl"] is NSNull && sp["preferredSingleSignOnMode"] is NSNull)
            #expect(sp["alternativeNames"] as? [String] == [] && sp["notificationEmailAddresses"] as? [String] == [])
            #expect((sp["samlSingleSignOnSettings"] as? [String: Any])?["relayState"] is NSNull)
            #expect(sp["accountEnabled"] as? Bool == true && sp["appRoleAssignmentRequired"] as? Bool == false)
            #expect(try await provider.send(.GET, "/beta/servicePrincipals/\(spId)?%24select=samlMetadataUrl").status == 200)
            #expect(try await provider.send(.GET, "/v1.0/servicePrincipals/\(spId)").text == sp.text)

            // azuread_synchronization_secret: create, remove a block (the count must drop), delete (empty values).
            let secrets = "/v1.0/servicePrincipals/\(spId)/synchronization/secrets"
            func keys() async throws -> [String] {
                let reply = try await provider.send(.GET, secrets)
                return (reply["value"] as? [[String: Any]])?.compactMap { $0["key"] as? String } ?? []
            }
            let pairs = [["key": "BaseAddress", "value": "https://scim.example.test/scim/v2"], ["key": "SecretToken", "value": "tf-secret-token"]]
            #expect(try await provider.send(.PUT, secrets, ["value": pairs]).status == 204)
            #expect(try await provider.fiveTimes { try await keys() == ["BaseAddress", "SecretToken"] })
            #expect(try await provider.send(.PUT, secrets, ["value": [pairs[0]]]).status == 204)
            #expect(try await provider.fiveTimes { try await keys().count == 1 })
            #expect(try await provider.send(.PUT, secrets, ["value": [["key": "BaseAddress", "value": ""]]]).status == 204)
            #expect(try await provider.fiveTimes { try await keys().isEmpty })

            // azuread_synchronization_job (dataBricks, as the provider's docs and tests): create, wait, start, read, delete.
            #expect(try await provider.send(.GET, "/v1.0/servicePrincipals/\(spId)").status == 200)
            let jobs = "/v1.0/servicePrincipals/\(spId)/synchronization/jobs"
            let job = try await provider.send(.POST, jobs, ["@odata.type": "#microsoft.graph.synchronizationJob", "templateId": "dataBricks"])
            #expect(job.status == 201)
            let jobId = try #require(job["id"] as? String)
            #expect(try await provider.fiveTimes { try await provider.send(.GET, "\(jobs)/\(jobId)").status == 200 })
            #expect(try await provider.send(.POST, "\(jobs)/\(jobId)/start").status == 204)
            let read = try await provider.send(.GET, "\(jobs)/\(jobId)")
            #expect(read["templateId"] as? String == "dataBricks")
            #expect((read["schedule"] as? [String: Any])?["state"] as? String == "Active")

            // azuread_synchronization_job_provision_on_demand with no credentials saved: Entra's CredentialsMissing,
            // before the subject (a group reference, as v3 builds it) is even looked at.
            let onDemand = try await provider.send(.POST, "\(jobs)/\(jobId)/provisionOnDemand", ["parameters": [[
                "ruleId": "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8",
                "subjects": [["objectId": "/groups/\(UUID().uuidString.lowercased())", "objectTypeName": "Group"]],
            ]]])
            #expect(onDemand.status == 400)
            #expect(onDemand.text.contains("CredentialsMissing: Please configure provisioning"), "\(onDemand.text)")

            #expect(try await provider.send(.POST, "\(jobs)/\(jobId)/pause").status == 204)
            #expect((try await provider.send(.GET, "\(jobs)/\(jobId)")["schedule"] as? [String: Any])?["state"] as? String != "Active")
            #expect(try await provider.send(.DELETE, "\(jobs)/\(jobId)").status == 204)
            #expect(try await provider.fiveTimes { try await provider.send(.GET, "\(jobs)/\(jobId)").status == 404 })

            // v2.x (hamilton, beta): create answers exactly 201, and DELETE's URL ends with a slash.
            let betaJobs = "/beta/servicePrincipals/\(spId)/synchronization/jobs"
            let betaJob = try await provider.send(.POST, betaJobs, ["templateId": "dataBricks"])
            #expect(betaJob.status == 201)
            let betaJobId = try #require(betaJob["id"] as? String)
            #expect(try await provider.send(.DELETE, "\(betaJobs)/\(betaJobId)/").status == 204)
            #expect(try await provider.send(.GET, "\(betaJobs)/\(betaJobId)").status == 404)

            // Destroy: the service principal, then the application.
            #expect(try await provider.send(.DELETE, "/v1.0/servicePrincipals/\(spId)").status == 204)
            #expect(try await provider.send(.DELETE, "/v1.0/applications/\(appId)").status == 204)
            #expect(try await provider.fiveTimes { try await provider.send(.GET, "/v1.0/applications/\(appId)").status == 404 })
        }
    }

    /// azuread_group (v3 calls beta for groups, `group_resource.go`): owners resolved through `GET /directoryObjects/{id}`
    /// and sorted by their `@odata.type`, create with `owners@odata.bind`, members added one by one through `$ref`.
    @Test func groupLifecycleThroughBeta() async throws {
        try await TestServer.run { server in
            let provider = Provider(server: server, token: try await server.adminToken())
            let me = try await provider.send(.GET, "/v1.0/servicePrincipals?%24filter=appId+eq+%27\(server.facts.clientId)%27")
            let callerId = try #require((me["value"] as? [[String: Any]])?.first?["id"] as? String)
            let user = try await provider.send(.POST, "/v1.0/users", [
                "accountEnabled": true, "displayName": "Grace", "mailNickname": "grace", "userPrincipalName": "grace@graphsync.local",
                "passwordProfile": ["password": "Grace-Pass-1234", "forceChangePasswordNextSignIn": false],
            ])
            let userId = try #require(user["id"] as? String, "\(user.text)")

            let owner = try await provider.send(.GET, "/v1.0/directoryObjects/\(callerId)")
            #expect(owner["@odata.type"] as? String == "#microsoft.graph.servicePrincipal", "\(owner.text)")
            #expect((try await provider.send(.GET, "/v1.0/directoryObjects/\(userId)"))["@odata.type"] as? String == "#microsoft.graph.user")

            let created = try await provider.send(.POST, "/beta/groups", [
                "@odata.type": "#microsoft.graph.group", "description": NSNull(), "displayName": "acctest-group", "groupTypes": [],
                "isAssignableToRole": false, "mailEnabled": false, "mailNickname": "acctest-group", "membershipRule": NSNull(),
                "membershipRuleProcessingState": NSNull(), "resourceBehaviorOptions": [], "resourceProvisioningOptions": [],
                "securityEnabled": true, "visibility": NSNull(), "writebackConfiguration": ["isEnabled": false, "onPremisesGroupType": NSNull()],
                "owners@odata.bind": ["https://graph.microsoft.com/beta/directoryObjects/\(callerId)"],
            ])
            try #require(created.status == 201, "\(created.text)")
            let groupId = try #require(created["id"] as? String)
            for name in ["TERRAFORM_UPDATE_\(UUID().uuidString)", "acctest-group"] {
                #expect(try await provider.send(.PATCH, "/beta/groups/\(groupId)", ["@odata.type": "#microsoft.graph.group", "displayName": name]).status == 204)
            }
            #expect(try await provider.send(.POST, "/beta/groups/\(groupId)/members/$ref", ["@odata.id": "https://graph.microsoft.com/beta/directoryObjects/\(userId)"]).status == 204)
            let group = try await provider.send(.GET, "/beta/groups/\(groupId)")
            #expect(group["displayName"] as? String == "acctest-group" && group["isAssignableToRole"] as? Bool == false)
            #expect(group["securityEnabled"] as? Bool == true && group["mailEnabled"] as? Bool == false && group["membershipRule"] is NSNull)
            #expect(group["resourceBehaviorOptions"] as? [String] == [] && group["visibility"] is NSNull)
            #expect((group["writebackConfiguration"] as? [String: Any])?["isEnabled"] as? Bool == false)
            let owners = try await provider.send(.GET, "/beta/groups/\(groupId)/owners")
            #expect((owners["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [callerId], "\(owners.text)")
            let members = try await provider.send(.GET, "/beta/groups/\(groupId)/members")
            #expect((members["value"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [userId])
            #expect(try await provider.send(.GET, "/beta/groups/\(groupId)").text == group.text)

            #expect(try await provider.send(.DELETE, "/beta/groups/\(groupId)").status == 204)
            #expect(try await provider.send(.GET, "/beta/groups/\(groupId)").status == 404)
        }
    }

    /// `metadata_host`: go-azure-sdk reads `https://{host}/metadata/endpoints?api-version=2022-09-01`, then uses
    /// `microsoftGraphResourceId` as both Graph's address and the token resource (`{id}/.default`), and
    /// `{loginEndpoint}/{tenant}/oauth2/v2.0/token` for client credentials (see docs/research/terraform-metadata-host.md).
    @Test func aCustomCloudThroughMetadataHost() async throws {
        try await TestServer.run(tls: true) { server in
            let metadata = try await server.send(.GET, "/metadata/endpoints?api-version=2022-09-01")
            #expect(metadata.status == 200)
            let graph = try #require(metadata["microsoftGraphResourceId"] as? String)
            let login = try #require((metadata["authentication"] as? [String: Any])?["loginEndpoint"] as? String)
            #expect(graph == server.baseURL + "/" && login == server.baseURL && !(metadata["name"] as? String ?? "").isEmpty)
            #expect(!(metadata["resourceManager"] as? String ?? "").isEmpty, "go-azure-sdk refuses a document without it")

            let resource = String(graph.dropLast())
            let form = TestServer.formEncode([
                ("client_id", server.facts.clientId), ("client_secret", server.facts.clientSecret), ("grant_type", "client_credentials"),
                ("scope", "\(resource)/.default"),
            ])
            let reply = try await server.client.execute(
                { var request = HTTPClientRequest(url: "\(login)/\(server.tenantId)/oauth2/v2.0/token")
                  request.method = .POST
                  request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                  request.headers.add(name: "Accept", value: "application/json")
                  request.body = .bytes(ByteBuffer(string: form))
                  return request }(), timeout: .seconds(30))
            #expect(reply.status == .ok)
            let body = try await reply.body.collect(upTo: 1 << 20)
            let token = try #require((try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["access_token"] as? String)
            #expect(try await server.send(.GET, "/v1.0/servicePrincipals?%24top=1", token: token).status == 200)
            // Any other resource is still refused.
            let other = try await server.send(.POST, "/\(server.tenantId)/oauth2/v2.0/token", body: TestServer.formEncode([
                ("client_id", server.facts.clientId), ("client_secret", server.facts.clientSecret), ("grant_type", "client_credentials"),
                ("scope", "https://elsewhere.example/.default"),
            ]), contentType: "application/x-www-form-urlencoded")
            #expect(other.status == 400 && other.text.contains("AADSTS500011"))
        }
    }

    /// `data.azuread_application_template`, `azuread_application_from_template` and `azuread_application` with
    /// `template_id` (`application_template_data_source.go`, `application_from_template_resource.go`,
    /// `application_resource.go:983-1122`), and hamilton's instantiate body (the whole template, `id` included).
    @Test func applicationTemplatesFindAndInstantiate() async throws {
        try await TestServer.run { server in
            let provider = Provider(server: server, token: try await server.adminToken())
            let found = try await provider.send(.GET, "/v1.0/applicationTemplates?%24filter=displayName+eq+%27Azure+Databricks+SCIM+Provisioning+Connector%27")
            let matches = try #require(found["value"] as? [[String: Any]], "\(found.text)")
            #expect(matches.count == 1)
            let templateId = try #require(matches.first?["id"] as? String)
            #expect(templateId == "9c9818d2-2900-49e8-8ba4-22688be7c675")
            #expect(matches.first?["supportedProvisioningTypes"] as? [String] == ["sync"])
            #expect(try await provider.send(.GET, "/v1.0/applicationTemplates/\(templateId)")["displayName"] as? String == "Azure Databricks SCIM Provisioning Connector")
            #expect(try await provider.send(.GET, "/v1.0/applicationTemplates/00000000-0000-0000-0000-000000000001").status == 404)

            // azuread_application_from_template: instantiate, then poll the application.
            let made = try await provider.send(.POST, "/v1.0/applicationTemplates/\(templateId)/instantiate", ["displayName": "acctest-databricks"])
            #expect(made.status == 201, "\(made.text)")
            let application = try #require(made["application"] as? [String: Any])
            let servicePrincipal = try #require(made["servicePrincipal"] as? [String: Any])
            let applicationId = try #require(application["id"] as? String)
            let spId = try #require(servicePrincipal["id"] as? String)
            #expect(application["applicationTemplateId"] as? String == templateId && servicePrincipal["applicationTemplateId"] as? String == templateId)
            #expect(try await provider.fiveTimes { try await provider.send(.GET, "/v1.0/applications/\(applicationId)").status == 200 })
            // The gallery app's job template works on it.
            let job = try await provider.send(.POST, "/v1.0/servicePrincipals/\(spId)/synchronization/jobs", ["templateId": "dataBricks"])
            #expect(job.status == 201)

            // azuread_application with template_id: instantiate under a marker name, then find it by template and name.
            let marker = "TERRAFORM_INSTANTIATE_\(UUID().uuidString)"
            #expect(try await provider.send(.POST, "/v1.0/applicationTemplates/\(templateId)/instantiate", ["displayName": marker]).status == 201)
            let byTemplate = try await provider.send(.GET,
                "/v1.0/applications?%24filter=applicationTemplateId+eq+%27\(templateId)%27+and+displayName+eq+%27\(marker)%27")
            let apps = try #require(byTemplate["value"] as? [[String: Any]], "\(byTemplate.text)")
            #expect(apps.count == 1 && apps.first?["displayName"] as? String == marker)
            let appId = try #require(apps.first?["appId"] as? String)
            let sps = try await provider.send(.GET, "/v1.0/servicePrincipals?%24filter=appId+eq+%27\(appId)%27")
            #expect((sps["value"] as? [[String: Any]])?.map { $0["applicationTemplateId"] as? String } == [templateId])

            // hamilton sends the whole template; Marketo's gallery app comes with its msiam_access role.
            let marketo = try await provider.send(.POST, "/v1.0/applicationTemplates/4601ed45-8ff3-4599-8377-b6649007e876/instantiate",
                                                  ["id": "4601ed45-8ff3-4599-8377-b6649007e876", "displayName": "acctest-marketo"])
            #expect(marketo.status == 201, "\(marketo.text)")
            let roles = (marketo["application"] as? [String: Any])?["appRoles"] as? [[String: Any]]
            #expect(roles?.map { $0["id"] as? String } == ["dfd0e7dd-26fb-4b2c-98d2-e444486c1e37"])

            // Destroy deletes the application only; its service principal goes with it.
            #expect(try await provider.send(.DELETE, "/v1.0/applications/\(applicationId)").status == 204)
            #expect(try await provider.send(.GET, "/v1.0/servicePrincipals/\(spId)").status == 404)
            // Reading templates needs no permission beyond a signed-in caller; instantiating needs Application.ReadWrite.All.
            let reader = try await server.mint(server.appGrant(roles: []))
            #expect(try await server.send(.GET, "/v1.0/applicationTemplates", token: reader).status == 200)
            #expect(try await server.send(.POST, "/v1.0/applicationTemplates/\(templateId)/instantiate", token: reader, json: ["displayName": "x"]).status == 403)
        }
    }

    /// What the review of the metadata-driven shapes found, kept fixed: no property that reaches past the permission
    /// model, no owner bound past one's permission, no half-applied PATCH, no request half-provisioned.
    @Test func shapesStayInsideThePermissionModel() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (application, sp, _) = try await server.runtime.createApplication(displayName: "Review", permissions: [])
            let csa = try await server.send(.PATCH, "/v1.0/servicePrincipals/\(sp.id)", token: admin,
                                            json: ["customSecurityAttributes": ["Engineering": ["@odata.type": "#Microsoft.DirectoryServices.CustomSecurityAttributeValue", "Level": "x"]]])
            #expect(csa.status == 403 && csa.errorMessage?.contains("CustomSecAttributeAssignment") == true)
            #expect(try await server.send(.PATCH, "/v1.0/servicePrincipals/\(sp.id)", token: admin, json: ["servicePrincipalNames": ["https://graph.microsoft.com"]]).status == 400)

            // An OwnedBy app creates objects it owns, and binds no other owner.
            let (_, ownedBy, secret) = try await server.runtime.createApplication(displayName: "owned-by", permissions: [.applicationReadWriteOwnedBy])
            let token = try await server.token(clientId: ownedBy.appId, secret: secret)
            let bound = try await server.send(.POST, "/v1.0/applications", token: token, json: [
                "displayName": "mine", "owners@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/\(sp.id)"],
            ])
            #expect(bound.status == 403, "\(bound.text)")
            let selfBound = try await server.send(.POST, "/v1.0/applications", token: token, json: [
                "displayName": "mine", "owners@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/\(ownedBy.id)"],
            ])
            #expect(selfBound.status == 201, "\(selfBound.text)")
            // It can read itself through /directoryObjects, and no one else.
            #expect(try await server.send(.GET, "/v1.0/directoryObjects/\(ownedBy.id)", token: token).status == 200)
            #expect(try await server.send(.GET, "/v1.0/directoryObjects/\(sp.id)", token: token).status == 404)

            // A group PATCH with a bad member bind changes nothing; create-only properties stay so.
            let group = try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                "displayName": "before", "mailNickname": "review", "mailEnabled": false, "securityEnabled": true, "isAssignableToRole": false,
            ])
            let groupId = try #require(group["id"] as? String, "\(group.text)")
            let badBind = try await server.send(.PATCH, "/v1.0/groups/\(groupId)", token: admin, json: [
                "displayName": "after", "members@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/\(UUID().uuidString.lowercased())"],
            ])
            #expect(badBind.status == 404)
            #expect(try await server.send(.GET, "/v1.0/groups/\(groupId)", token: admin)["displayName"] as? String == "before")
            #expect(try await server.send(.PATCH, "/v1.0/groups/\(groupId)", token: admin, json: ["isAssignableToRole": true]).status == 400)

            // A service principal takes what Graph derives from its application.
            let multi = try await server.send(.POST, "/v1.0/applications", token: admin, json: [
                "displayName": "multi", "signInAudience": "AzureADMultipleOrgs", "web": ["redirectUris": ["https://app.example/cb"]],
            ])
            let multiSp = try await server.send(.POST, "/v1.0/servicePrincipals", token: admin, json: ["appId": try #require(multi["appId"] as? String)])
            #expect(multiSp["signInAudience"] as? String == "AzureADMultipleOrgs" && multiSp["replyUrls"] as? [String] == ["https://app.example/cb"])

            // provisionOnDemand checks the whole request before it provisions anyone.
            let sync = "/v1.0/servicePrincipals/\(sp.id)/synchronization"
            #expect(try await server.send(.PUT, "\(sync)/secrets", token: admin, json: ["value": [
                ["key": "BaseAddress", "value": "http://127.0.0.1:9/scim"], ["key": "SecretToken", "value": "t"],
            ]]).status == 204)
            let job = try #require(try await server.send(.POST, "\(sync)/jobs", token: admin, json: ["templateId": "scim"])["id"] as? String)
            let six = (0..<6).map { _ in ["objectId": UUID().uuidString.lowercased(), "objectTypeName": "User"] }
            let tooMany = try await server.send(.POST, "\(sync)/jobs/\(job)/provisionOnDemand", token: admin, json: ["parameters": [["ruleId": "", "subjects": six]]])
            #expect(tooMany.status == 400 && tooMany.errorMessage?.contains("At most 5") == true)
            _ = application
        }
    }
}
