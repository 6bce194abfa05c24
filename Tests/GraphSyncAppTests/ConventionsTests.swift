import Foundation
import Testing

/// Graph conventions on every response: ids, OData headers, error shapes and statuses for bad requests.
@Suite struct ConventionsTests {
    @Test func responsesCarryGraphHeaders() async throws {
        try await TestServer.run { server in
            let token = try await server.adminToken()
            let reply = try await server.send(.GET, "/v1.0/applications", token: token, headers: [("client-request-id", "my-id-1")])
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "client-request-id") == "my-id-1")
            let requestId = try #require(reply.headers.first(name: "request-id"))
            #expect(UUID(uuidString: requestId) != nil)
            #expect(reply.headers.first(name: "OData-Version") == "4.0")
            #expect(reply.headers.first(name: "Content-Type") == "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false")
            #expect(reply.headers.first(name: "Date") != nil)
            #expect((reply["@odata.context"] as? String)?.hasSuffix("/v1.0/$metadata#applications") == true)

            let anonymous = try await server.send(.GET, "/v1.0/applications")
            #expect(anonymous.headers.first(name: "client-request-id") == anonymous.headers.first(name: "request-id"))
            let inner = (anonymous.json["error"] as? [String: Any])?["innerError"] as? [String: Any]
            #expect(inner?["request-id"] as? String == anonymous.headers.first(name: "request-id"))
            #expect(inner?["date"] is String)
        }
    }

    /// Graph names the first segment it cannot resolve, and writes a `$select` into the context URL.
    @Test func unknownSegmentsAreNamedAndSelectionsShowInTheContext() async throws {
        try await TestServer.run { server in
            let token = try await server.adminToken()
            let (application, sp, _) = try await server.runtime.createApplication(displayName: "Segments", permissions: [])
            for (path, segment) in [
                ("/v1.0/servicePrincipals/\(sp.id)/synchronization/bogus", "bogus"), ("/beta/applications/\(application.id)/colours", "colours"),
                ("/v1.0/nonsense/x", "nonsense"),
            ] {
                let reply = try await server.send(.GET, path, token: token)
                #expect(reply.status == 400 && reply.errorMessage == "Resource not found for the segment '\(segment)'.", "\(path): \(reply.text)")
            }
            let selected = try await server.send(.GET, "/v1.0/applications/\(application.id)?$select=displayName,id", token: token)
            #expect((selected["@odata.context"] as? String)?.hasSuffix("$metadata#applications(displayName,id)/$entity") == true, "\(selected.text)")
            #expect(Set(selected.json.keys) == ["@odata.context", "displayName", "id"])
            let listed = try await server.send(.GET, "/v1.0/servicePrincipals?$select=appId", token: token)
            #expect((listed["@odata.context"] as? String)?.hasSuffix("$metadata#servicePrincipals(appId)") == true)
            let unknown = try await server.send(.GET, "/v1.0/applications/\(application.id)?$select=displayName,colour", token: token)
            #expect(unknown.status == 400 && unknown.errorMessage?.contains("'colour'") == true)
            // The SDKs generate PATCH for a job's schema; Graph answers 404 and only PUT replaces it.
            let job = try await server.send(.POST, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs", token: token, json: ["templateId": "scim"])
            let jobId = try #require(job["id"] as? String)
            let patched = try await server.send(.PATCH, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs/\(jobId)/schema", token: token, json: [:] as [String: Any])
            #expect(patched.status == 404 && patched.errorMessage?.contains("PUT") == true)
        }
    }

    @Test func unknownRouteWrongMethodAndUnknownId() async throws {
        try await TestServer.run { server in
            let token = try await server.adminToken()
            let unknown = try await server.send(.GET, "/v1.0/nonsense", token: token)
            #expect(unknown.status == 400)
            #expect(unknown.errorMessage?.contains("nonsense") == true)

            let outside = try await server.send(.GET, "/nothing/here/at/all", token: token)
            #expect(outside.status == 404)
            #expect(outside.errorCode != nil)

            let wrongMethod = try await server.send(.PUT, "/v1.0/applications", token: token, json: [:] as [String: String])
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers.first(name: "Allow") == "GET, POST")

            let missing = try await server.send(.GET, "/v1.0/applications/\(UUID().uuidString.lowercased())", token: token)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "Request_ResourceNotFound")
        }
    }

    @Test func badBodiesAreNamed() async throws {
        try await TestServer.run { server in
            let token = try await server.adminToken()
            let malformed = try await server.send(.POST, "/v1.0/applications", token: token, body: #"{"displayName": "x""#)
            #expect(malformed.status == 400)
            #expect(malformed.errorMessage?.contains("Unable to read JSON request payload") == true)

            let wrongType = try await server.send(.POST, "/v1.0/applications", token: token, json: ["displayName": 5])
            #expect(wrongType.status == 400)
            #expect(wrongType.errorMessage?.contains("displayName") == true)

            let unknownProperty = try await server.send(.POST, "/v1.0/applications", token: token, json: ["displayName": "x", "colour": "red"])
            #expect(unknownProperty.status == 400)
            #expect(unknownProperty.errorMessage?.contains("colour") == true)

            let missing = try await server.send(.POST, "/v1.0/applications", token: token, json: ["notes": "x"])
            #expect(missing.status == 400)
            #expect(missing.errorMessage?.contains("displayName") == true)

            let notJSON = try await server.send(.POST, "/v1.0/applications", token: token, body: "displayName=x", contentType: "application/x-www-form-urlencoded")
            #expect(notJSON.status == 415)

            let huge = try await server.send(
                .POST, "/v1.0/applications", token: token, json: ["displayName": String(repeating: "x", count: 1_100_000)])
            #expect(huge.status == 413)
            #expect(huge.errorCode == "RequestEntityTooLarge")

            // Nothing was half-written by any of those.
            let list = try await server.send(.GET, "/v1.0/applications?$filter=displayName eq 'x'".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, token: token)
            #expect((list["value"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func doubledSlashAndAlternateKeyAndFilterAndPaging() async throws {
        try await TestServer.run { server in
            let token = try await server.adminToken()
            var appIds: [String] = []
            for index in 0..<5 {
                let app = try await server.send(.POST, "/v1.0//applications", token: token, json: ["displayName": "paged-\(index)"])
                #expect(app.status == 201)
                let appId = try #require(app["appId"] as? String)
                appIds.append(appId)
                #expect(try await server.send(.POST, "/beta//servicePrincipals", token: token, json: ["appId": appId]).status == 201)
            }
            let byKey = try await server.send(.GET, "/v1.0/servicePrincipals(appId='\(appIds[2])')", token: token)
            #expect(byKey.status == 200)
            #expect(byKey["appId"] as? String == appIds[2])
            #expect((byKey["@odata.context"] as? String)?.hasSuffix("$metadata#servicePrincipals/$entity") == true)

            let filtered = try await server.send(.GET, "/v1.0/servicePrincipals?$filter=appId%20eq%20%27\(appIds[3])%27", token: token)
            #expect((filtered["value"] as? [[String: Any]])?.map { $0["appId"] as? String } == [appIds[3]])

            let starts = try await server.send(.GET, "/v1.0/applications?$filter=startswith(displayName,%27PAGED-%27)", token: token)
            #expect((starts["value"] as? [Any])?.count == 5)

            var seen: [String] = []
            var next: String? = "/v1.0/applications?$filter=startswith(displayName,%27paged%27)&$top=2"
            while let link = next {
                let path = link.replacingOccurrences(of: server.baseURL, with: "")
                let page = try await server.send(.GET, path, token: token)
                #expect(page.status == 200)
                seen += (page["value"] as? [[String: Any]])?.compactMap { $0["appId"] as? String } ?? []
                next = page["@odata.nextLink"] as? String
            }
            #expect(Set(seen) == Set(appIds))
            #expect(seen.count == 5)

            #expect(try await server.send(.GET, "/v1.0/applications?$top=0", token: token).status == 400)
            #expect(try await server.send(.GET, "/v1.0/applications?$filter=displayName%20gt%20%27a%27", token: token).status == 400)
            let selected = try await server.send(.GET, "/v1.0/applications?$select=id,displayName&$top=1", token: token)
            #expect(Set(((selected["value"] as? [[String: Any]])?.first ?? [:]).keys) == ["id", "displayName"])
        }
    }
}
