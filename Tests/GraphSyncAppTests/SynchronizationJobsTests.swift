import Foundation
import GraphSyncCore
import Testing

/// Jobs and templates through Graph: shapes, validation and permissions (cycles against a real SCIM server are in
/// Tests/interop/test_provisioning.py).
@Suite struct SynchronizationJobsTests {
    @Test func jobLifecycleAndValidation() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            let base = "/v1.0/servicePrincipals/\(sp.id)/synchronization"

            let templates = try await server.send(.GET, "\(base)/templates", token: admin)
            let template = try #require((templates["value"] as? [[String: Any]])?.first)
            #expect(template["id"] as? String == "scim")
            #expect(template["factoryTag"] as? String == "scim")
            #expect(template["applicationId"] as? String == sp.appId)

            let unknown = try await server.send(.POST, "\(base)/jobs", token: admin, json: ["templateId": "nope"])
            #expect(unknown.status == 400)
            #expect(unknown.errorMessage?.contains("nope") == true)
            #expect(try await server.send(.POST, "\(base)/jobs", token: admin, json: ["templateId": "scim", "x": 1]).status == 400)

            let created = try await server.send(.POST, "\(base)/jobs", token: admin, json: ["templateId": "scim"])
            #expect(created.status == 201)
            let jobId = try #require(created["id"] as? String)
            #expect(jobId.hasPrefix("scim.") && jobId.count == "scim.".count + 32)
            let schedule = try #require(created["schedule"] as? [String: Any])
            #expect(schedule["state"] as? String == "Disabled")
            // Graph's initial values: disabled, NotConfigured, and .NET's TimeSpan.MaxValue until the job is started.
            #expect(schedule["interval"] as? String == "P10675199DT2H48M5.4775807S")
            #expect(schedule.keys.contains("expiration") && schedule["expiration"] is NSNull)
            let status = try #require(created["status"] as? [String: Any])
            #expect(status["code"] as? String == "NotConfigured")
            #expect(status["steadyStateFirstAchievedTime"] as? String == "0001-01-01T00:00:00Z")

            let listed = try await server.send(.GET, "\(base)/jobs", token: admin)
            #expect((listed["value"] as? [[String: Any]])?.map { $0["id"] as? String } == [jobId])

            let schema = try await server.send(.GET, "\(base)/jobs/\(jobId)/schema", token: admin)
            let rules = try #require(schema["synchronizationRules"] as? [[String: Any]])
            let mappings = try #require(rules.first?["objectMappings"] as? [[String: Any]])
            #expect(mappings.map { $0["sourceObjectName"] as? String } == ["User", "Group"])

            // PUT schema: validated, stored, versioned.
            var edited = schema.json
            edited["@odata.context"] = nil
            let putSchema = try await server.send(.PUT, "\(base)/jobs/\(jobId)/schema", token: admin, json: edited)
            #expect(putSchema.status == 204, "\(putSchema.text)")
            let broken = try await server.send(.PUT, "\(base)/jobs/\(jobId)/schema", token: admin, json: ["synchronizationRules": [["id": "x"]]])
            #expect(broken.status == 400)
            // Scoping filters round-trip, and a bad one is refused.
            var scoped = edited
            var scopedRules = try #require(scoped["synchronizationRules"] as? [[String: Any]])
            var scopedMappings = try #require(scopedRules[0]["objectMappings"] as? [[String: Any]])
            let clause: [String: Any] = ["operatorName": "EQUALS", "sourceOperandName": "jobTitle", "targetOperand": ["values": ["Engineer"]]]
            scopedMappings[0]["scope"] = ["groups": [["name": "engineers", "clauses": [clause]]], "inputFilterGroups": [], "categoryFilterGroups": []]
            scopedRules[0]["objectMappings"] = scopedMappings
            scoped["synchronizationRules"] = scopedRules
            #expect(try await server.send(.PUT, "\(base)/jobs/\(jobId)/schema", token: admin, json: scoped).status == 204)
            let reread = try await server.send(.GET, "\(base)/jobs/\(jobId)/schema", token: admin)
            let rereadMappings = (reread["synchronizationRules"] as? [[String: Any]])?.first?["objectMappings"] as? [[String: Any]]
            let scope = rereadMappings?.first?["scope"] as? [String: Any]
            #expect(((scope?["groups"] as? [[String: Any]])?.first?["clauses"] as? [[String: Any]])?.first?["sourceOperandName"] as? String == "jobTitle")
            var badClause = clause
            badClause["operatorName"] = "SOUNDS_LIKE"
            scopedMappings[0]["scope"] = ["groups": [["name": "x", "clauses": [badClause]]]]
            scopedRules[0]["objectMappings"] = scopedMappings
            scoped["synchronizationRules"] = scopedRules
            let badScope = try await server.send(.PUT, "\(base)/jobs/\(jobId)/schema", token: admin, json: scoped)
            #expect(badScope.status == 400)
            #expect(badScope.errorMessage?.contains("SOUNDS_LIKE") == true)

            #expect(try await server.send(.POST, "\(base)/jobs/\(jobId)/restart", token: admin,
                                          json: ["criteria": ["resetScope": "Watermark, Nonsense"]]).status == 400)
            // Started, the job gets the configured interval (40 minutes by default), and pausing keeps it.
            #expect(try await server.send(.POST, "\(base)/jobs/\(jobId)/start", token: admin).status == 204)
            let started = try await server.send(.GET, "\(base)/jobs/\(jobId)", token: admin)
            #expect((started["schedule"] as? [String: Any])?["interval"] as? String == "PT40M")
            #expect((started["schedule"] as? [String: Any])?["state"] as? String == "Active")
            #expect(try await server.send(.POST, "\(base)/jobs/\(jobId)/pause", token: admin).status == 204)
            let paused = try await server.send(.GET, "\(base)/jobs/\(jobId)", token: admin)
            #expect((paused["status"] as? [String: Any])?["code"] as? String == "Paused")
            #expect(try await server.send(.POST, "\(base)/jobs/missing.0/start", token: admin).status == 404)

            // Reads accept Synchronization.Read.All; writes need Synchronization.ReadWrite.All.
            let reader = try await server.mint(server.appGrant(roles: ["Synchronization.Read.All"]))
            #expect(try await server.send(.GET, "\(base)/jobs/\(jobId)", token: reader).status == 200)
            #expect(try await server.send(.POST, "\(base)/jobs/\(jobId)/start", token: reader).status == 403)
            #expect(try await server.send(.POST, "\(base)/jobs", token: reader, json: ["templateId": "scim"]).status == 403)

            #expect(try await server.send(.DELETE, "\(base)/jobs/\(jobId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "\(base)/jobs/\(jobId)", token: admin).status == 404)
        }
    }

    /// Graph's documented minimal attribute mapping (`{source: {name, type}, targetAttributeName}`) is enough: every
    /// omitted member takes Graph's default, a null where the metadata forbids one is named, and GET returns every
    /// member of the schema's types.
    @Test func aMinimalMappingTakesGraphsDefaults() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            let base = "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs"
            let jobId = try #require(try await server.send(.POST, base, token: admin, json: ["templateId": "scim"])["id"] as? String)
            let schema = try await server.schema(base, jobId, admin: admin) { attributes in
                attributes = [
                    ["source": ["name": "userPrincipalName", "type": "Attribute"], "targetAttributeName": "userName", "matchingPriority": 1],
                    ["source": ["name": "department", "type": "Attribute"], "targetAttributeName": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"],
                ]
            }
            let put = try await server.send(.PUT, "\(base)/\(jobId)/schema", token: admin, json: schema)
            #expect(put.status == 204, "\(put.text)")

            let read = try await server.send(.GET, "\(base)/\(jobId)/schema", token: admin)
            let stored = try #require(((read["synchronizationRules"] as? [[String: Any]])?[0]["objectMappings"] as? [[String: Any]])?[0]["attributeMappings"] as? [[String: Any]])
            let department = try #require(stored.last)
            #expect(department["matchingPriority"] as? Int == 0 && department["flowType"] as? String == "Always")
            #expect(department["flowBehavior"] as? String == "FlowWhenChanged" && department["exportMissingReferences"] as? Bool == false)
            #expect(department["defaultValue"] is NSNull)
            #expect(((department["source"] as? [String: Any])?["parameters"] as? [Any])?.isEmpty == true)
            #expect((department["source"] as? [String: Any])?["expression"] is NSNull)
            let rule = try #require((read["synchronizationRules"] as? [[String: Any]])?.first)
            #expect(rule.keys.contains("containerFilter") && rule["containerFilter"] is NSNull, "every member of synchronizationRule")

            // A null where the metadata does not allow one, and a wrong type, are named with their path.
            let nullPriority = try await server.schema(base, jobId, admin: admin) { attributes in
                attributes = [["source": ["name": "x", "type": "Attribute"], "targetAttributeName": "x", "matchingPriority": NSNull()]]
            }
            let null = try await server.send(.PUT, "\(base)/\(jobId)/schema", token: admin, json: nullPriority)
            #expect(null.status == 400 && null.errorMessage?.contains("objectMappings[0].attributeMappings[0].matchingPriority") == true, "\(null.text)")
            let sorcery = try await server.schema(base, jobId, admin: admin) { attributes in
                attributes = [["source": ["name": "x", "type": "Sorcery"], "targetAttributeName": "x"]]
            }
            let wrong = try await server.send(.PUT, "\(base)/\(jobId)/schema", token: admin, json: sorcery)
            #expect(wrong.status == 400 && wrong.errorMessage?.contains("Attribute, Constant, Function") == true, "\(wrong.text)")
            #expect(!(wrong.errorMessage ?? "").contains("DecodingError"))

            // DELETE resets the job's schema to its template's, which templates/{id}/schema shows.
            #expect(try await server.send(.DELETE, "\(base)/\(jobId)/schema", token: admin).status == 204)
            let reset = try await server.send(.GET, "\(base)/\(jobId)/schema", token: admin)
            let template = try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/synchronization/templates/scim/schema", token: admin)
            #expect(template.status == 200)
            func targets(_ reply: TestServer.Reply) -> [String] {
                (((reply["synchronizationRules"] as? [[String: Any]])?[0]["objectMappings"] as? [[String: Any]])?[0]["attributeMappings"] as? [[String: Any]] ?? [])
                    .compactMap { $0["targetAttributeName"] as? String }
            }
            #expect(!targets(reset).isEmpty && targets(reset) == targets(template))

            // An application's own version of a template's schema: new jobs from the template start from it.
            let application = try #require(try await server.runtime.repositories.applications.get(appId: sp.appId))
            let templateSchema = "/v1.0/applications/\(application.id)/synchronization/templates/scim/schema"
            var custom = template.json
            custom["@odata.context"] = nil
            var customRules = try #require(custom["synchronizationRules"] as? [[String: Any]])
            var customMappings = try #require(customRules[0]["objectMappings"] as? [[String: Any]])
            customMappings[0]["attributeMappings"] = [["source": ["name": "userPrincipalName", "type": "Attribute"], "targetAttributeName": "userName", "matchingPriority": 1]]
            customRules[0]["objectMappings"] = customMappings
            custom["synchronizationRules"] = customRules
            #expect(try await server.send(.PUT, templateSchema, token: admin, json: custom).status == 204)
            #expect(targets(try await server.send(.GET, templateSchema, token: admin)) == ["userName"])
            let fromCustom = try #require(try await server.send(.POST, base, token: admin, json: ["templateId": "scim"])["id"] as? String)
            #expect(targets(try await server.send(.GET, "\(base)/\(fromCustom)/schema", token: admin)) == ["userName"])
            #expect(try await server.send(.PUT, "/v1.0/servicePrincipals/\(sp.id)/synchronization/templates/scim/schema", token: admin, json: custom).status == 405)
            #expect(try await server.send(.DELETE, templateSchema, token: admin).status == 204)
            #expect(targets(try await server.send(.GET, templateSchema, token: admin)) == targets(template))
            // What the schema's expressions and scoping filters may use.
            let operators = try await server.send(.GET, "\(base)/\(jobId)/schema/filterOperators", token: admin)
            #expect((operators["value"] as? [[String: Any]])?.contains { $0["name"] as? String == "EQUALS" && $0["arity"] as? String == "Binary" } == true)
            let functions = try await server.send(.GET, "\(base)/\(jobId)/schema/functions", token: admin)
            #expect((functions["value"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.contains("Append") == true)
            // parseExpression: the editor's text parsed into a source, and tried on a test object.
            let parsed = try await server.send(.POST, "\(base)/\(jobId)/schema/parseExpression", token: admin, json: [
                "expression": "Join(\" \", [givenName], ToUpper([surname]))",
                "testInputObject": ["properties": [["key": "givenName", "value": "Ada"], ["key": "surname", "value": "Lovelace"]]],
            ])
            #expect(parsed["parsingSucceeded"] as? Bool == true && parsed["evaluationResult"] as? [String] == ["Ada LOVELACE"], "\(parsed.text)")
            #expect((parsed["parsedExpression"] as? [String: Any])?["name"] as? String == "Join")
            // The schema's directories, one of them, and discover.
            let directories = try await server.send(.GET, "\(base)/\(jobId)/schema/directories", token: admin)
            let first = try #require((directories["value"] as? [[String: Any]])?.first, "\(directories.text)")
            let directoryId = try #require(first["id"] as? String)
            #expect(first["discoverabilities"] is String && (first["objects"] as? [Any])?.isEmpty == false)
            #expect(try await server.send(.GET, "\(base)/\(jobId)/schema/directories/\(directoryId)", token: admin)["name"] as? String == first["name"] as? String)
            let discovered = try await server.send(.POST, "\(base)/\(jobId)/schema/directories/\(directoryId)/discover", token: admin)
            #expect(discovered.status == 200 && discovered["discoveryDateTime"] is String)
            #expect(try await server.send(.GET, "\(base)/\(jobId)/schema/directories/nope", token: admin).status == 404)
            let broken = try await server.send(.POST, "\(base)/\(jobId)/schema/parseExpression", token: admin, json: ["expression": "Nope([a])"])
            #expect(broken.status == 200 && broken["parsingSucceeded"] as? Bool == false)
            #expect(((broken["error"] as? [String: Any])?["message"] as? String)?.contains("Nope") == true)
        }
    }

    @Test func jobRoutesUnderApplicationsActOnTheServicePrincipal() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            let (application, sp, _) = try await server.runtime.createApplication(displayName: "SCIM app", permissions: [])
            let viaApp = "/v1.0/applications/\(application.id)/synchronization"

            let templates = try await server.send(.GET, "\(viaApp)/templates", token: admin)
            #expect(templates.status == 200)
            #expect((templates["@odata.context"] as? String)?.contains("applications('\(application.id)')/synchronization/templates") == true)
            #expect(try await server.send(.GET, "\(viaApp)/templates/scim", token: admin).status == 200)

            let created = try await server.send(.POST, "/beta/applications/\(application.id)/synchronization/jobs", token: admin, json: ["templateId": "scim"])
            #expect(created.status == 201)
            let jobId = try #require(created["id"] as? String)
            // The same job, seen through the service principal.
            let listed = try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs", token: admin)
            #expect((listed["value"] as? [[String: Any]])?.map { $0["id"] as? String } == [jobId])
            #expect(try await server.send(.GET, "\(viaApp)/jobs/\(jobId)/schema", token: admin).status == 200)
            #expect(try await server.send(.POST, "\(viaApp)/jobs/\(jobId)/pause", token: admin).status == 204)
            #expect(try await server.send(.DELETE, "\(viaApp)/jobs/\(jobId)", token: admin).status == 204)
            #expect(try await server.send(.GET, "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs/\(jobId)", token: admin).status == 404)

            // An application without a service principal has nothing to synchronize.
            let lonely = try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": "no SP"])
            let lonelyId = try #require(lonely["id"] as? String)
            let missing = try await server.send(.GET, "/v1.0/applications/\(lonelyId)/synchronization/jobs", token: admin)
            #expect(missing.status == 404)
            #expect(missing.errorMessage?.contains("no service principal") == true)
        }
    }

    @Test func mappingFunctionsEvaluateLikeEntra() throws {
        let user = User(id: "u1", userPrincipalName: "Ada.L@contoso.test", displayName: "Ada", mailNickname: "ada", accountEnabled: false,
                        givenName: "Ada", surname: "Lovelace", createdDateTime: Date())
        let source = AttributeMapper.sourceValues(of: user)
        func value(_ mapping: AttributeMappingSource) throws -> JSONValue? {
            #expect(AttributeMapper.problem(in: mapping) == nil)
            var object = try #require(SynchronizationSchema.defaultSCIM.objectMapping(for: "User"))
            object.attributeMappings = [AttributeMapping(source: mapping, target: "x")]
            return try AttributeMapper.targetValues(object, source: source, isNew: true).first?.1
        }
        typealias S = AttributeMappingSource
        #expect(try value(.function("Join", [.constant(" "), .attribute("givenName"), .attribute("mail"), .attribute("surname")])) == .string("Ada Lovelace"))
        #expect(try value(.function("ToLower", [.attribute("userPrincipalName")])) == .string("ada.l@contoso.test"))
        #expect(try value(.function("ToUpper", [.attribute("mailNickname"), .constant("en-US")])) == .string("ADA"))
        #expect(try value(.function("Append", [.attribute("mailNickname"), .constant("@app.test")])) == .string("ada@app.test"))
        #expect(try value(.function("Coalesce", [.attribute("mail"), .attribute("jobTitle"), .attribute("userPrincipalName")])) == .string("Ada.L@contoso.test"))
        #expect(try value(.function("StripSpaces", [.constant("a b  c")])) == .string("abc"))
        // Entra's default for active: Switch([IsSoftDeleted], , "False", "True", "True", "False").
        let active = S.function("Switch", [.attribute("IsSoftDeleted"), .constant(""), .constant("False"), .constant("True"), .constant("True"), .constant("False")])
        #expect(try value(active) == .bool(false))
        #expect(try value(.not(.attribute("accountEnabled"))) == .bool(true))
        // Nothing to join, nothing sent.
        #expect(try value(.function("Join", [.constant(","), .attribute("mail")])) == nil)

        #expect(AttributeMapper.problem(in: .function("Mid", [.attribute("surname")]))?.contains("takes 3 parameters") == true)
        #expect(AttributeMapper.problem(in: .function("Append", [.attribute("surname")]))?.contains("takes 2 parameters") == true)
        #expect(AttributeMapper.problem(in: .function("Not", [.function("Nope", [])]))?.contains("'Nope'") == true)
    }

    @Test func scopingFiltersAdmitLikeEntra() {
        typealias Clause = ScopingFilter.Clause
        let source: [String: JSONValue] = [
            "jobTitle": .string("Engineer"), "mail": .null, "accountEnabled": .bool(true), "userPrincipalName": .string("ada@contoso.test"),
        ]
        func admits(_ clauses: Clause...) -> Bool { ScopingFilter(groups: [.init(clauses: clauses)]).admits(source) == true }
        #expect(admits(Clause("jobTitle", "EQUALS", ["Engineer"])))
        #expect(!admits(Clause("jobTitle", "EQUALS", ["engineer"])))  // case-sensitive
        #expect(admits(Clause("jobTitle", "NOT EQUALS", ["Manager"])))
        #expect(admits(Clause("accountEnabled", "IS TRUE")))
        #expect(!admits(Clause("accountEnabled", "IS FALSE")))
        #expect(admits(Clause("mail", "IS NULL")) && !admits(Clause("mail", "IS NOT NULL")))
        #expect(!admits(Clause("mail", "NOT EQUALS", ["x"])))  // a missing value fails the clause
        #expect(admits(Clause("userPrincipalName", "ENDS_WITH", ["@contoso.test"])))
        #expect(admits(Clause("userPrincipalName", "REGEX MATCH", ["^ada@"])) && !admits(Clause("userPrincipalName", "NOT REGEX MATCH", ["^ada@"])))
        #expect(admits(Clause("jobTitle", "Includes", ["gine"])))
        // Clauses of a group are ANDed; groups are ORed.
        #expect(!admits(Clause("jobTitle", "EQUALS", ["Engineer"]), Clause("accountEnabled", "IS FALSE")))
        let either = ScopingFilter(groups: [.init(clauses: [Clause("jobTitle", "EQUALS", ["Manager"])]), .init(clauses: [Clause("accountEnabled", "IS TRUE")])])
        #expect(either.admits(source) == true)
        #expect(ScopingFilter(groups: []).admits(source) == true)

        #expect(ScopingFilter(groups: [.init(clauses: [Clause("jobTitle", "SOUNDS_LIKE", ["x"])])]).problem?.contains("not supported") == true)
        #expect(ScopingFilter(groups: [.init(clauses: [Clause("jobTitle", "EQUALS")])]).problem?.contains("needs a value") == true)
        #expect(ScopingFilter(groups: [.init(clauses: [Clause("jobTitle", "REGEX MATCH", ["(unclosed"])])]).problem?.contains("regular expression") == true)
        #expect(ScopingFilter(groups: [.init(clauses: [Clause("jobTitle", "Greater_Than", ["ten"])])]).problem?.contains("integer") == true)
    }

    @Test func attributeMappingBuildsSCIMResources() throws {
        let user = User(id: "u1", userPrincipalName: "ada@contoso.test", displayName: "Ada", mailNickname: "ada", givenName: "Ada",
                        surname: "Lovelace", mail: "ada@contoso.test", createdDateTime: Date())
        let mapping = try! #require(SynchronizationSchema.defaultSCIM.objectMapping(for: "User"))
        let values = try AttributeMapper.targetValues(mapping, source: AttributeMapper.sourceValues(of: user), isNew: true)
        let resource = AttributeMapper.resource(schema: mapping.targetObjectName, values: values)
        #expect(resource["userName"] == .string("ada@contoso.test"))
        #expect(resource["active"] == .bool(true))
        #expect(resource["name"]?["givenName"] == .string("Ada"))
        #expect(resource["emails"]?.arrayValue?.first?["type"] == .string("work"))
        #expect(resource["emails"]?.arrayValue?.first?["value"] == .string("ada@contoso.test"))
        #expect(resource["title"] == nil)  // no jobTitle: not sent
        #expect(try AttributeMapper.matchingAttribute(mapping, source: AttributeMapper.sourceValues(of: user))! == ("userName", "ada@contoso.test"))
        var changed = user
        changed.jobTitle = "Engineer"
        let again = try AttributeMapper.targetValues(mapping, source: AttributeMapper.sourceValues(of: changed), isNew: false)
        #expect(AttributeMapper.digest(values) != AttributeMapper.digest(again))
        #expect(AttributeMapper.digest(values) == AttributeMapper.digest(values))
    }

    @Test func attributesSetOnlyOnCreateAreNotChangesLater() throws {
        let user = User(id: "u1", userPrincipalName: "ada@contoso.test", displayName: "Ada", mailNickname: "ada", createdDateTime: Date())
        var mapping = try #require(SynchronizationSchema.defaultSCIM.objectMapping(for: "User"))
        let index = try #require(mapping.attributeMappings.firstIndex { $0.targetAttributeName == "externalId" })
        mapping.attributeMappings[index].flowType = "ObjectAddOnly"
        let source = AttributeMapper.sourceValues(of: user)
        let created = try AttributeMapper.targetValues(mapping, source: source, isNew: true)
        let later = try AttributeMapper.targetValues(mapping, source: source, isNew: false)
        #expect(created.contains { $0.0 == "externalId" })
        #expect(!later.contains { $0.0 == "externalId" })
        #expect(AttributeMapper.changeDigest(mapping, created) == AttributeMapper.changeDigest(mapping, later))
        #expect(AttributeMapper.digest(created) != AttributeMapper.digest(later))
    }
}
