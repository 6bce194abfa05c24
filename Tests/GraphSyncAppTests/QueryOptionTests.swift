import Foundation
import Testing

/// Query options as Graph reads them: percent-encoded names and values decoded once, `+` as a space, unknown or
/// repeated system options refused instead of ignored.
@Suite struct QueryOptionTests {
    func names(_ reply: TestServer.Reply) -> [String] {
        (reply["value"] as? [[String: Any]])?.compactMap { $0["displayName"] as? String } ?? []
    }

    @Test func encodedOptionNamesAndValuesFilter() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for name in ["alpha app", "beta+app", "gamma"] {
                #expect(try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name]).status == 201)
            }
            // What requests/httpx send for params={"$filter": …}, and what Go's url.Values sends.
            for query in ["%24filter=displayName%20eq%20%27gamma%27", "%24filter=displayName+eq+%27gamma%27", "$filter=displayName eq 'gamma'",
                          "%24FILTER=displayName%20eq%20'gamma'"] {
                let reply = try await server.send(.GET, "/v1.0/applications?\(query)", token: admin)
                #expect(reply.status == 200, "\(query): \(reply.text)")
                #expect(names(reply) == ["gamma"], "\(query)")
            }
            let plus = try await server.send(.GET, "/v1.0/applications?%24filter=displayName%20eq%20%27beta%2Bapp%27", token: admin)
            #expect(names(plus) == ["beta+app"])
            let space = try await server.send(.GET, "/v1.0/applications?%24filter=displayName+eq+%27alpha+app%27", token: admin)
            #expect(names(space) == ["alpha app"])

            let top = try await server.send(.GET, "/v1.0/applications?%24top=1&%24select=displayName", token: admin)
            #expect((top["value"] as? [Any])?.count == 1)
            let next = try #require(top["@odata.nextLink"] as? String)
            #expect(next.contains("$top=1") && next.contains("$select=displayName") && next.contains("$skiptoken="), "\(next)")
            // The next link works as given, and keeps a '+' inside a value a '+'.
            let path = String(next.dropFirst(server.baseURL.count))
            #expect(try await server.send(.GET, path, token: admin).status == 200)
        }
    }

    @Test func unknownRepeatedAndMalformedOptionsAre400() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for query in ["$fitler=displayName%20eq%20'x'", "%24bogus=1", "$top=1&$top=2", "$filter=%ZZ", "$filter=%C3%28", "$top=abc"] {
                let reply = try await server.send(.GET, "/v1.0/applications?\(query)", token: admin)
                #expect(reply.status == 400, "\(query): \(reply.status) \(reply.text)")
            }
            // On routes that take no options too.
            let me = try await server.send(.GET, "/v1.0/servicePrincipals(appId='\(server.facts.clientId)')?$fitler=x", token: admin)
            #expect(me.status == 400)
            // Other parameters are left alone, as Graph does.
            #expect(try await server.send(.GET, "/v1.0/applications?api-version=2", token: admin).status == 200)
        }
    }

    @Test func countNeedsEventualConsistencyAsInGraph() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for name in ["count one", "count two", "other"] {
                #expect(try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name]).status == 201)
            }
            let eventual = [("ConsistencyLevel", "eventual")]
            let filter = "$filter=startswith(displayName,'count')"
            let page = try await server.send(.GET, "/v1.0/applications?$count=true&$top=1&\(filter)", token: admin, headers: eventual)
            #expect(page.status == 200, "\(page.text)")
            #expect(page["@odata.count"] as? Int == 2 && (page["value"] as? [Any])?.count == 1)
            let segment = try await server.send(.GET, "/v1.0/applications/$count?\(filter)", token: admin, headers: eventual)
            #expect(segment.status == 200 && segment.text == "2")
            #expect(segment.headers["Content-Type"].first?.hasPrefix("text/plain") == true)
            for collection in ["users", "groups", "servicePrincipals"] {
                let count = try await server.send(.GET, "/v1.0/\(collection)/$count", token: admin, headers: eventual)
                #expect(count.status == 200 && Int(count.text) != nil, "\(collection): \(count.text)")
            }
            // Without the header Graph refuses both forms.
            for path in ["/v1.0/applications?$count=true", "/v1.0/users/$count"] {
                let refused = try await server.send(.GET, path, token: admin)
                #expect(refused.status == 400, "\(path)")
                #expect(refused.text.contains("$count is not currently supported."), "\(refused.text)")
            }
            #expect(try await server.send(.GET, "/v1.0/applications?$count=maybe", token: admin, headers: eventual).status == 400)
        }
    }

    @Test func orderByPagesInOrderAndKeepsTheSortKeyInTheSkipToken() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for name in ["Delta", "alpha", "Charlie", "bravo", "alpha"] {
                #expect(try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name]).status == 201)
            }
            var seen: [String] = []
            var path: String? = "/v1.0/applications?$orderby=displayName%20desc&$top=2&$select=displayName"
            while let next = path {
                let page = try await server.send(.GET, next, token: admin)
                #expect(page.status == 200, "\(page.text)")
                seen += names(page)
                path = (page["@odata.nextLink"] as? String).map { String($0.dropFirst(server.baseURL.count)) }
            }
            // The built-in registrations (GraphSync Admin, Console) sort among them.
            #expect(seen.filter { !$0.hasPrefix("GraphSync") } == ["Delta", "Charlie", "bravo", "alpha", "alpha"])
            #expect(seen.count == Set(seen).count + 1, "every application once: \(seen)")
            let ascending = try await server.send(.GET, "/v1.0/applications?$orderby=displayName", token: admin)
            #expect(names(ascending).filter { !$0.hasPrefix("GraphSync") } == ["alpha", "alpha", "bravo", "Charlie", "Delta"])

            let unsupported = try await server.send(.GET, "/v1.0/applications?$orderby=createdDateTime", token: admin)
            #expect(unsupported.status == 400 && unsupported.text.contains("Request_UnsupportedQuery"), "\(unsupported.text)")
            #expect(try await server.send(.GET, "/v1.0/applications?$orderby=displayName%20sideways", token: admin).status == 400)
            // An endpoint that does not sort refuses the option rather than ignoring it.
            #expect(try await server.send(.GET, "/v1.0/applicationTemplates?$orderby=displayName", token: admin).status == 400)
            // Sorting a filtered query is an advanced query, as in Graph.
            let filtered = "/v1.0/applications?$filter=startswith(displayName,'a')&$orderby=displayName"
            let refused = try await server.send(.GET, filtered, token: admin)
            #expect(refused.status == 400 && refused.text.contains("Sorting not supported for current query."), "\(refused.text)")
            let advanced = try await server.send(.GET, filtered + "&$count=true", token: admin, headers: [("ConsistencyLevel", "eventual")])
            #expect(names(advanced) == ["alpha", "alpha"] && advanced["@odata.count"] as? Int == 2)
        }
    }

    @Test func filterOperatorsAndGraphsAdvancedQueryRule() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for name in ["one-prefix", "two-suffix", "three-suffix"] {
                #expect(try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name]).status == 201)
            }
            let eventual = [("ConsistencyLevel", "eventual")]
            func filtered(_ filter: String, advanced: Bool = true) async throws -> [String] {
                let reply = try await server.send(
                    .GET, "/v1.0/applications?$filter=\(filter)\(advanced ? "&$count=true" : "")", token: admin, headers: advanced ? eventual : [])
                #expect(reply.status == 200, "\(filter): \(reply.text)")
                return names(reply).filter { !$0.hasPrefix("GraphSync") }.sorted()
            }
            #expect(try await filtered("endswith(displayName,'-SUFFIX')") == ["three-suffix", "two-suffix"])
            #expect(try await filtered("displayName ne 'two-suffix'") == ["one-prefix", "three-suffix"])
            #expect(try await filtered("not(startswith(displayName,'t'))") == ["one-prefix"])
            #expect(try await filtered("displayName in ('one-prefix','nothing')") == ["one-prefix"])
            #expect(try await filtered("displayName ge 't' and displayName le 'tw'", advanced: false) == ["three-suffix"])
            #expect(try await filtered("applicationTemplateId eq null and endswith(displayName,'suffix')") == ["three-suffix", "two-suffix"])
            #expect(try await filtered("applicationTemplateId ne null") == [])

            // ne, not, endswith and null comparisons are advanced queries in Graph.
            let plain = try await server.send(.GET, "/v1.0/applications?$filter=endswith(displayName,'suffix')", token: admin)
            #expect(plain.status == 400)
            #expect(plain.text.contains("Operator 'endsWith' is not supported because the 'ConsistencyLevel:eventual' header is missing."), "\(plain.text)")
            let uncounted = try await server.send(.GET, "/v1.0/applications?$filter=displayName%20ne%20'x'", token: admin, headers: eventual)
            #expect(uncounted.status == 400 && uncounted.text.contains("Request_UnsupportedQuery"), "\(uncounted.text)")
            #expect(try await server.send(.GET, "/v1.0/applications?$filter=displayName%20ge%20null", token: admin).status == 400)
        }
    }

    @Test func searchMatchesWordStartsWithAndAndOr() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            for name in ["Contoso Payroll", "Fabrikam Pay", "Contoso HR", "Northwind"] {
                #expect(try await server.send(.POST, "/v1.0/applications", token: admin, json: ["displayName": name]).status == 201)
            }
            let eventual = [("ConsistencyLevel", "eventual")]
            func searched(_ search: String) async throws -> [String] {
                let encoded = search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? search
                let reply = try await server.send(.GET, "/v1.0/applications?$search=\(encoded)", token: admin, headers: eventual)
                #expect(reply.status == 200, "\(search): \(reply.text)")
                return names(reply).sorted()
            }
            #expect(try await searched("\"displayName:pay\"") == ["Contoso Payroll", "Fabrikam Pay"])
            #expect(try await searched("\"displayName:contoso\" AND \"displayName:pay\"") == ["Contoso Payroll"])
            #expect(try await searched("\"displayName:hr\" OR \"displayName:north\"") == ["Contoso HR", "Northwind"])
            #expect(try await searched("\"displayName:fab\" OR \"displayName:contoso\" AND \"displayName:hr\"") == ["Contoso HR", "Fabrikam Pay"])
            #expect(try await searched("\"displayName:oso\"") == [])

            let plain = try await server.send(.GET, "/v1.0/applications?$search=%22displayName:pay%22", token: admin)
            #expect(plain.status == 400 && plain.text.contains("only works through MSGraph with a special request header"), "\(plain.text)")
            for bad in ["displayName:pay", "%22displayName%22", "%22displayName:pay%22%20NEAR%20%22displayName:x%22"] {
                #expect(try await server.send(.GET, "/v1.0/applications?$search=\(bad)", token: admin, headers: eventual).status == 400, "\(bad)")
            }
        }
    }
}
