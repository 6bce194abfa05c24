import Foundation
@testable import GraphSyncApp
import GraphSyncCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Testing

/// JSON batching (`POST /$batch`): each request runs as if sent alone, in order of `dependsOn`, answered in one body.
@Suite struct BatchTests {
    /// Sends `requests` as one batch and returns the reply with its responses by id.
    func batch(_ server: TestServer, token: String, _ requests: [[String: Any]], version: String = "v1.0") async throws
        -> (reply: TestServer.Reply, byId: [String: [String: Any]])
    {
        let reply = try await server.send(.POST, "/\(version)/$batch", token: token, json: ["requests": requests])
        let responses = reply["responses"] as? [[String: Any]] ?? []
        return (reply, Dictionary(responses.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first }))
    }

    func status(_ response: [String: Any]?) -> Int? { response?["status"] as? Int }
    func body(_ response: [String: Any]?) -> [String: Any] { response?["body"] as? [String: Any] ?? [:] }
    func errorCode(_ response: [String: Any]?) -> String? { (self.body(response)["error"] as? [String: Any])?["code"] as? String }

    static let json = ["Content-Type": "application/json"]

    // MARK: Tests

    @Test func createsThenAddsAMemberInDependencyOrder() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (created, made) = try await batch(server, token: admin, [
                ["id": "user", "method": "POST", "url": "/users", "headers": Self.json, "body": [
                    "accountEnabled": true, "displayName": "Grace", "mailNickname": "grace", "userPrincipalName": "grace@graphsync.local",
                    "passwordProfile": ["password": "Str0ng!Passw0rd"],
                ]],
                ["id": "group", "method": "POST", "url": "groups", "headers": Self.json, "body": [
                    "displayName": "Engineering", "mailNickname": "eng", "mailEnabled": false, "securityEnabled": true,
                ]],
            ])
            #expect(created.status == 200, "\(created.text)")
            #expect(status(made["user"]) == 201 && status(made["group"]) == 201, "\(created.text)")
            let contentType = (made["user"]?["headers"] as? [String: Any])?["Content-Type"] as? String
            #expect(contentType == "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false")
            let userId = try #require(body(made["user"])["id"] as? String)
            let groupId = try #require(body(made["group"])["id"] as? String)

            // Listed first, the read runs second: it depends on the add.
            let (reply, byId) = try await batch(server, token: admin, [
                ["id": "read", "method": "GET", "url": "/groups/\(groupId)/members?$select=id", "dependsOn": ["add"]],
                ["id": "add", "method": "POST", "url": "/groups/\(groupId)/members/$ref", "headers": Self.json,
                 "body": ["@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/\(userId)"]],
            ])
            #expect((reply["responses"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["read", "add"])
            #expect(status(byId["add"]) == 204 && byId["add"]?["body"] == nil, "\(reply.text)")
            let members = body(byId["read"])["value"] as? [[String: Any]]
            #expect(members?.compactMap { $0["id"] as? String } == [userId], "\(reply.text)")
        }
    }

    @Test func aRequestTheTokenMayNotMakeIsRefusedAlone() async throws {
        try await TestServer.run { server in
            let reader = try await server.mint(server.appGrant(roles: ["User.Read.All"]))
            let (reply, byId) = try await batch(server, token: reader, [
                ["id": "1", "method": "GET", "url": "/users"],
                ["id": "2", "method": "GET", "url": "/applications"],
                ["id": "3", "method": "POST", "url": "/applications", "headers": Self.json, "body": ["displayName": "sneaky"]],
            ])
            #expect(reply.status == 200)
            #expect(status(byId["1"]) == 200, "\(reply.text)")
            #expect(status(byId["2"]) == 403 && errorCode(byId["2"]) == "Authorization_RequestDenied", "\(reply.text)")
            #expect(status(byId["3"]) == 403, "\(reply.text)")
            let admin = try await server.adminToken()
            let apps = try await server.send(.GET, "/v1.0/applications?$filter=displayName eq 'sneaky'", token: admin)
            #expect((apps["value"] as? [Any])?.isEmpty == true)
            // Without a token the batch itself is refused, as any Graph call.
            #expect(try await server.send(.POST, "/v1.0/$batch", json: ["requests": [["id": "1", "method": "GET", "url": "/users"]]]).status == 401)
        }
    }

    @Test func refusesMoreThanTwentyRequests() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let requests = (1...21).map { ["id": "\($0)", "method": "GET", "url": "/users"] }
            let (reply, _) = try await batch(server, token: admin, requests)
            #expect(reply.status == 400 && reply.errorCode == "BadRequest", "\(reply.text)")
            #expect(reply.errorMessage == "The number of batch requests exceeds the limit of 20.")
            let (twenty, byId) = try await batch(server, token: admin, Array(requests.prefix(20)))
            #expect(twenty.status == 200 && byId.count == 20)
        }
    }

    @Test func refusesMalformedBatchesWhole() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let cycle = try await batch(server, token: admin, [
                ["id": "a", "method": "GET", "url": "/users", "dependsOn": ["b"]],
                ["id": "b", "method": "GET", "url": "/users", "dependsOn": ["a"]],
            ]).reply
            #expect(cycle.status == 400 && cycle.errorCode == "BadRequest" && cycle.errorMessage?.contains("cycle") == true, "\(cycle.text)")
            let unknown = try await batch(server, token: admin, [["id": "a", "method": "GET", "url": "/users", "dependsOn": ["z"]]]).reply
            #expect(unknown.status == 400, "\(unknown.text)")
            let repeated = try await batch(server, token: admin, [
                ["id": "a", "method": "GET", "url": "/users"], ["id": "A", "method": "GET", "url": "/users"],
            ]).reply
            #expect(repeated.status == 400, "ids are case-insensitive: \(repeated.text)")
            let noURL = try await batch(server, token: admin, [["id": "a", "method": "GET"]]).reply
            #expect(noURL.status == 400 && noURL.errorMessage?.contains("'url'") == true, "\(noURL.text)")
            let malformed = try await server.send(.POST, "/v1.0/$batch", token: admin, body: "{\"requests\": [")
            #expect(malformed.status == 400 && malformed.errorCode != nil, "\(malformed.text)")
            let noRequests = try await server.send(.POST, "/v1.0/$batch", token: admin, json: ["value": []])
            #expect(noRequests.status == 400, "\(noRequests.text)")
        }
    }

    @Test func aFailedDependencyAnswers424() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (reply, byId) = try await batch(server, token: admin, [
                ["id": "1", "method": "GET", "url": "/users/00000000-0000-0000-0000-000000000001"],
                ["id": "2", "method": "GET", "url": "/users", "dependsOn": ["1"]],
                ["id": "3", "method": "GET", "url": "/users", "dependsOn": ["2"]],
                ["id": "4", "method": "GET", "url": "/users"],
            ])
            #expect(status(byId["1"]) == 404, "\(reply.text)")
            #expect(status(byId["2"]) == 424 && status(byId["3"]) == 424, "\(reply.text)")
            #expect(errorCode(byId["2"]) == "FailedDependency", "\(reply.text)")
            #expect(status(byId["4"]) == 200, "\(reply.text)")
        }
    }

    @Test func queryStringsAndURLForms() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (reply, byId) = try await batch(server, token: admin, [
                ["id": "top", "method": "GET", "url": "/users?$select=id&$top=1"],
                ["id": "relative", "method": "GET", "url": "users?$select=id,displayName"],
                ["id": "absolute", "method": "GET", "url": "\(server.baseURL)/beta/users?$top=1"],
                ["id": "graph", "method": "get", "url": "https://graph.microsoft.com/beta/users?$top=1"],
                ["id": "elsewhere", "method": "GET", "url": "https://example.com/beta/users"],
                ["id": "badOption", "method": "GET", "url": "/users?$bogus=1"],
                ["id": "spaces", "method": "GET", "url": "users?$filter=displayName eq 'Nobody'&$select=id"],
            ], version: "beta")
            #expect(reply.status == 200, "\(reply.text)")
            let top = body(byId["top"])["value"] as? [[String: Any]]
            #expect(top?.count == 1 && top?.first.map { Set($0.keys) } == ["id"], "\(reply.text)")
            #expect((body(byId["relative"])["value"] as? [[String: Any]])?.first?["displayName"] != nil, "\(reply.text)")
            #expect(status(byId["absolute"]) == 200 && status(byId["graph"]) == 200, "\(reply.text)")
            #expect(status(byId["elsewhere"]) == 400 && status(byId["badOption"]) == 400, "\(reply.text)")
            #expect(status(byId["spaces"]) == 200 && (body(byId["spaces"])["value"] as? [Any])?.isEmpty == true, "\(reply.text)")
        }
    }

    @Test func requestProblemsAreAnsweredPerRequest() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (reply, byId) = try await batch(server, token: admin, [
                ["id": "noType", "method": "POST", "url": "/groups", "body": ["displayName": "x"]],
                ["id": "nested", "method": "POST", "url": "/$batch", "headers": Self.json,
                 "body": ["requests": [["id": "1", "method": "GET", "url": "/users"]]]],
                ["id": "upward", "method": "GET", "url": "/../health"],
                ["id": "missing", "method": "GET", "url": "/nothingHere"],
                ["id": "fine", "method": "GET", "url": "/users"],
                ["id": "base64", "method": "POST", "url": "/groups", "headers": Self.json,
                 "body": Data(#"{"displayName":"Ops","mailNickname":"ops","mailEnabled":false,"securityEnabled":true}"#.utf8).base64EncodedString()],
                ["id": "notBase64", "method": "POST", "url": "/groups", "headers": Self.json, "body": "{not base64}"],
            ])
            #expect(reply.status == 200, "\(reply.text)")
            #expect(status(byId["noType"]) == 400 && status(byId["nested"]) == 400 && status(byId["upward"]) == 400, "\(reply.text)")
            #expect(status(byId["missing"]) == 400 && errorCode(byId["missing"]) == "BadRequest", "\(reply.text)")
            #expect(status(byId["fine"]) == 200)
            #expect(status(byId["base64"]) == 201 && body(byId["base64"])["displayName"] as? String == "Ops", "\(reply.text)")
            #expect(status(byId["notBase64"]) == 400, "\(reply.text)")
            #expect((body(byId["noType"])["error"] as? [String: Any])?["innerError"] != nil, "Graph's error envelope: \(reply.text)")
        }
    }

    /// A batch's time is bounded: the request running when it ends is cancelled, and it and the rest answer 504.
    @Test func aBatchThatRunsOutOfTimeAnswers504() async throws {
        let inProcess = InProcessResponder()
        inProcess.attach(CallbackResponder<AppRequestContext> { request, _ in
            if request.uri.path.hasSuffix("/slow") { try await Task.sleep(for: .seconds(30)) }
            return Response(status: .ok)
        })
        let controller = BatchController(responder: inProcess, graphHost: "graph.microsoft.com", timeLimit: .milliseconds(500))
        let requests = ["fast", "slow", "fast"].enumerated().map { #"{"id":"\#($0)","method":"GET","url":"/\#($1)"}"# }
        var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1.0/$batch")
        head.headerFields[.contentType] = "application/json"
        var app = AppRequestContext(inProcess: Logger(label: "batch-test"))
        app.inBatch = false
        app.caller = Caller(kind: .application, tenantId: "t", objectId: "o", clientAppId: "c")
        let started = ContinuousClock.now
        let response = try await controller.batch(
            Request(head: head, body: .init(buffer: ByteBuffer(string: #"{"requests":[\#(requests.joined(separator: ","))]}"#))),
            context: try AuthenticatedContext(context: app))
        #expect(ContinuousClock.now - started < .seconds(10))
        let rendered = try await BatchResponse.render(id: "batch", response)
        let statuses = rendered["body"]?["responses"]?.arrayValue?.map { $0["status"] }
        #expect(statuses == [.number(200), .number(504), .number(504)], "\(rendered)")
    }
}
