import Foundation
@testable import GraphSyncApp
import GraphSyncCore
import Testing

/// The web console over real HTTP: signing in through the authority's PKCE flow, creating an enterprise app,
/// admin credentials (Bearer, and Authorize against a real token endpoint), assignments, the job, logs, CSRF, and
/// what a user without an admin role may do.
@Suite struct ConsoleTests {
    typealias Browser = SignInTests.Browser

    /// Signs `browser` in to the console as `user` (the admin by default); returns the CSRF token of its pages.
    static func signIn(_ browser: Browser, _ server: TestServer, user: String? = nil, password: String? = nil) async throws -> String {
        let start = try await browser.send(.GET, "/console/apps")
        #expect(start.status == 302 && start.headers.first(name: "Location")?.hasPrefix("/console/signin") == true)
        let toAuthority = try await browser.send(.GET, try #require(start.headers.first(name: "Location")))
        let authorize = try #require(toAuthority.headers.first(name: "Location"))
        #expect(authorize.contains("code_challenge_method=S256") && authorize.contains("client_id=\(WellKnown.consoleAppId)"))
        let page = try await browser.send(.GET, authorize)
        let back = try await browser.send(.POST, "/\(server.tenantId)/login", form: [
            ("flow", try SignInTests.flow(page)), ("login", user ?? server.facts.adminUserPrincipalName), ("passwd", password ?? server.facts.adminPassword),
        ])
        #expect(back.status == 302, "the console is consented for everyone: no consent page (\(back.text.prefix(300)))")
        let callback = try await browser.send(.GET, try #require(back.headers.first(name: "Location")))
        #expect(callback.status == 303 && callback.headers.first(name: "Location") == "/console/apps")
        #expect(browser.cookies["gs_console"] != nil)
        let apps = try await browser.send(.GET, "/console/apps")
        #expect(apps.status == 200, "\(apps.text.prefix(300))")
        return String(try #require(apps.text.firstMatch(of: /name="csrf" value="([^"]+)"/)).1)
    }

    /// Where the Authorize interstitial leads (its Continue link, HTML-escaped).
    static func leavingFor(_ page: TestServer.Reply) -> String {
        let link = page.text.firstMatch(of: /id="continue"/) != nil ? page.text.firstMatch(of: /href="([^"]+)" id="continue"/).map { String($0.1) } : nil
        return (link ?? "").replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#x3D;", with: "=").replacingOccurrences(of: "&#61;", with: "=")
    }

    @Test func anAdminCreatesAnAppAuthorizesItAndStartsProvisioning() async throws {
        let endpoint = try TestTokenEndpoint()
        try await endpoint.serve {
            try await TestServer.run(configure: { $0.allowTokenURLsTo = [.loopback] }) { server in
                let browser = Browser(server)
                defer { Task { try? await browser.close() } }
                let csrf = try await Self.signIn(browser, server)

                let forged = try await browser.send(.POST, "/console/apps", form: [("name", "Forged"), ("csrf", "nope")])
                #expect(forged.status == 400 && forged.text.contains("form expired"), "forms need the session's CSRF token")
                let created = try await browser.send(.POST, "/console/apps", form: [("name", "Contoso SaaS"), ("csrf", csrf)])
                let provisioning = try #require(created.headers.first(name: "Location"))
                #expect(provisioning.hasSuffix("/provisioning"))
                let spId = String(provisioning.split(separator: "/")[2])
                #expect(try await browser.send(.GET, "/console/apps?q=contoso").text.contains("Contoso SaaS"))
                #expect(!(try await browser.send(.GET, "/console/apps?q=nothing-like-it").text.contains("Contoso SaaS")))

                // OAuth 2 authorization code: Save + Authorize goes to the app's authorization page with a bound state.
                let authorize = try await browser.send(.POST, provisioning, form: [
                    ("csrf", csrf), ("method", "oauth"), ("tenantUrl", "https://scim.example/v2"), ("authorizationUrl", "https://saas.example/authorize?tenant=1"),
                    ("tokenUrl", endpoint.tokenURL), ("clientId", TestTokenEndpoint.clientId), ("clientSecret", TestTokenEndpoint.clientSecret),
                    ("scope", "scim.write"), ("action", "authorize"),
                ])
                #expect(authorize.status == 200, "\(authorize.text.prefix(400))")
                let appPage = try #require(URLComponents(string: Self.leavingFor(authorize)))
                #expect(appPage.host == "saas.example")
                let items = Dictionary((appPage.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
                #expect(items["tenant"] == "1" && items["client_id"] == TestTokenEndpoint.clientId && items["scope"] == "scim.write")
                let state = try #require(items["state"])
                #expect(items["redirect_uri"] == "\(server.baseURL)/console/oauth/callback")

                // Another browser (another session) cannot use the state; the app's own answer can, once.
                let other = Browser(server)
                _ = try await Self.signIn(other, server)
                let stolen = try await other.send(.GET, "/console/oauth/callback?" + TestServer.formEncode([("code", "good"), ("state", state)]))
                #expect(stolen.text.contains("another session"))
                try await other.close()
                let state2 = try #require(URLComponents(string: Self.leavingFor(try await browser.send(.POST, provisioning, form: [
                    ("csrf", csrf), ("method", "oauth"), ("tenantUrl", "https://scim.example/v2"), ("scope", "scim.write"), ("action", "authorize"),
                ])))?.queryItems?.first { $0.name == "state" }?.value)
                let done = try await browser.send(.GET, "/console/oauth/callback?" + TestServer.formEncode([("code", "good"), ("state", state2)]))
                #expect(done.status == 200 && done.text.contains("Authorized, token valid until"), "\(done.text.prefix(600))")
                let secrets = try await server.runtime.repositories.synchronizationSecrets.secrets(of: spId)
                #expect(secrets[.oauth2AccessToken] != nil && secrets[.oauth2ClientSecret] == TestTokenEndpoint.clientSecret)
                #expect(!done.text.contains(secrets[.oauth2AccessToken] ?? "-") && !done.text.contains(TestTokenEndpoint.clientSecret), "never a token or secret on a page")
                let replay = try await browser.send(.GET, "/console/oauth/callback?" + TestServer.formEncode([("code", "good"), ("state", state2)]))
                #expect(replay.text.contains("already used"))
                let refused = try await browser.send(.POST, provisioning, form: [("csrf", csrf), ("method", "oauth"), ("tenantUrl", "https://scim.example/v2"), ("action", "authorize")])
                let state3 = try #require(URLComponents(string: Self.leavingFor(refused))?.queryItems?.first { $0.name == "state" }?.value)
                let denied = try await browser.send(.GET, "/console/oauth/callback?" + TestServer.formEncode([
                    ("error", "access_denied"), ("error_description", "The admin said no"), ("state", state3),
                ]))
                #expect(denied.status == 400 && denied.text.contains("The admin said no"))

                // Assign the admin, start the job, read the overview and its progress.
                let users = try await browser.send(.POST, "/console/apps/\(spId)/users", form: [("csrf", csrf), ("principal", server.facts.adminUserPrincipalName)])
                #expect(users.status == 303)
                #expect(try await browser.send(.GET, "/console/apps/\(spId)/users").text.contains("User"))
                #expect(try await browser.send(.POST, "/console/apps/\(spId)/job", form: [("csrf", csrf), ("action", "start")]).status == 303)
                let overview = try await browser.send(.GET, "/console/apps/\(spId)")
                #expect(overview.text.contains("id=\"start\"") && overview.headers.first(name: "Content-Security-Policy")?.contains("'nonce-") == true)
                let progress = try await browser.send(.GET, "/console/apps/\(spId)/progress")
                #expect(progress.status == 200 && progress["state"] as? String != nil, "\(progress.text)")
                #expect(try await browser.send(.GET, "/console/apps/\(spId)/logs").status == 200)
                let csv = try await browser.send(.GET, "/console/apps/\(spId)/logs.csv?file=summary")
                #expect(csv.text.hasPrefix("Date (UTC),Change ID") && csv.headers.first(name: "Content-Disposition")?.contains("ProvisioningLogs") == true)

                // Signing out ends the console session.
                #expect(try await browser.send(.POST, "/console/signout", form: [("csrf", csrf)]).status == 303)
                #expect(try await browser.send(.GET, "/console/apps").status == 302)
            }
        }
    }

    @Test func aUserWithoutAnAdminRoleSeesOnlyWhatTheirTokenWouldAllow() async throws {
        try await TestServer.run { server in
            let admin = try await server.adminToken()
            #expect(try await server.send(.POST, "/v1.0/users", token: admin, json: [
                "accountEnabled": true, "displayName": "Reader", "mailNickname": "reader", "userPrincipalName": "reader@graphsync.local",
                "passwordProfile": ["password": "Str0ng!Passw0rd", "forceChangePasswordNextSignIn": false],
            ]).status == 201)
            let (_, sp, _) = try await server.runtime.createApplication(displayName: "Existing SaaS", permissions: [])
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let csrf = try await Self.signIn(browser, server, user: "reader@graphsync.local", password: "Str0ng!Passw0rd")
            let apps = try await browser.send(.GET, "/console/apps")
            #expect(apps.text.contains("Existing SaaS") && !apps.text.contains("id=\"create\""), "reads apps, cannot create")
            let create = try await browser.send(.POST, "/console/apps", form: [("name", "Nope"), ("csrf", csrf)])
            #expect(create.status == 403 && create.text.contains("Application Administrator"), "\(create.text.prefix(500))")
            let provisioning = try await browser.send(.GET, "/console/apps/\(sp.id)/provisioning")
            #expect(provisioning.status == 403, "reading synchronization needs an admin role, as through Graph")
            let save = try await browser.send(.POST, "/console/apps/\(sp.id)/provisioning", form: [
                ("csrf", csrf), ("method", "bearer"), ("tenantUrl", "https://scim.example/v2"), ("secretToken", "x"), ("action", "save"),
            ])
            #expect(save.status == 403)
            #expect(try await server.runtime.repositories.synchronizationSecrets.secrets(of: sp.id).keys.isEmpty, "nothing was saved")
        }
    }

    @Test func mappingsAndSettingsAreValidatedAndSaved() async throws {
        try await TestServer.run { server in
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let csrf = try await Self.signIn(browser, server)
            let created = try await browser.send(.POST, "/console/apps", form: [("name", "Mapped SaaS"), ("csrf", csrf)])
            let provisioning = try #require(created.headers.first(name: "Location"))
            let spId = String(provisioning.split(separator: "/")[2])
            let saved = try await browser.send(.POST, provisioning, form: [
                ("csrf", csrf), ("method", "bearer"), ("tenantUrl", "https://scim.example/v2"), ("secretToken", "static-token"), ("action", "save"),
            ])
            #expect(saved.status == 200 && saved.text.contains("Saved."), "\(saved.text.prefix(400))")
            #expect(!saved.text.contains("static-token"), "a saved secret is never shown")

            let list = try await browser.send(.GET, "/console/apps/\(spId)/mappings")
            #expect(list.text.contains("Provision Microsoft Entra ID Users"))
            let editor = try await browser.send(.GET, "/console/apps/\(spId)/mappings/0")
            #expect(editor.text.contains("value=\"[userPrincipalName]\"") && editor.text.contains("value=\"userName\""))
            // Read the rows back as the form holds them, then change some.
            var rows: [(String, String)] = []
            for match in editor.text.matches(of: /name="(source|target|match)_(\d+)"[^>]*value="([^"]*)"/) {
                rows.append(("\(match.1)_\(match.2)", String(match.3).replacingOccurrences(of: "&quot;", with: "\"")))
            }
            let displayNameRow = try #require(rows.first { $0.0.hasPrefix("target_") && $0.1 == "displayName" }).0.dropFirst("target_".count)
            var form = rows.filter { !$0.0.hasSuffix("_\(displayNameRow)") || !$0.0.hasPrefix("source_") }
            form += [("source_\(displayNameRow)", "Join(\" \", [givenName], [surname]"), ("enabled", "on"), ("csrf", csrf),
                     ("fattr_0", "department"), ("fop_0", "REGEX MATCH"), ("fvalue_0", "(a+)+$")]
            let refused = try await browser.send(.POST, "/console/apps/\(spId)/mappings/0", form: form)
            #expect(refused.status == 400 && refused.text.contains("Nothing was saved"))
            #expect(refused.text.contains("id=\"error_\(displayNameRow)\"") && refused.text.contains("not closed"), "the error is next to its row")
            #expect(refused.text.contains("id=\"ferror_0\""), "and the filter's next to its clause")
            form = form.map { $0.0 == "source_\(displayNameRow)" ? ($0.0, "Join(\" \", [givenName], [surname])") : $0 }
            form = form.map { $0.0 == "fvalue_0" ? ($0.0, "^Eng") : $0 }
            let ok = try await browser.send(.POST, "/console/apps/\(spId)/mappings/0", form: form)
            #expect(ok.status == 200 && ok.text.contains("Saved."), "\(ok.text.prefix(800))")
            let job = try #require(try await server.runtime.repositories.jobs.list(servicePrincipalId: spId).first)
            let users = try #require(job.schema.synchronizationRules.first?.objectMappings.first)
            #expect(users.attributeMappings.first { $0.targetAttributeName == "displayName" }?.source.name == "Join")
            #expect(users.scope?.groups?.first?.clauses.first?.operatorName == "REGEX MATCH")

            let settings = try await browser.send(.POST, "/console/apps/\(spId)/settings", form: [
                ("csrf", csrf), ("scope", "all"), ("skipDeletes", "on"), ("status", "on"), ("interval", "5"),
            ])
            #expect(settings.status == 200 && settings.text.contains("Saved."), "\(settings.text.prefix(400))")
            let secrets = try await server.runtime.repositories.synchronizationSecrets.secrets(of: spId)
            #expect(secrets[.syncAll] == "True" && secrets[.skipOutOfScopeDeletions] == "True" && secrets[.secretToken] == "static-token")
            let running = try #require(try await server.runtime.repositories.jobs.list(servicePrincipalId: spId).first)
            #expect(running.schedule.state == "Active" && running.schedule.interval == 300)
            #expect(running.deletionThreshold == 500, "Entra's default threshold")
            #expect(try await browser.send(.POST, "/console/apps/\(spId)/settings", form: [
                ("csrf", csrf), ("scope", "all"), ("skipDeletes", "on"), ("status", "on"), ("interval", "5"), ("threshold", ""),
            ]).status == 200)
            #expect(try await server.runtime.repositories.jobs.list(servicePrincipalId: spId).first?.deletionThreshold == nil, "empty turns it off")
            let bad = try await browser.send(.POST, "/console/apps/\(spId)/settings", form: [("csrf", csrf), ("scope", "assigned"), ("interval", "0")])
            #expect(bad.status == 400 && bad.text.contains("between 1 minute and 24 hours"))
            #expect(try await server.runtime.repositories.synchronizationSecrets.secrets(of: spId)[.syncAll] == "True", "a refused form writes nothing")
        }
    }
}

extension ConsoleTests {
    /// A writer cannot aim a saved secret at a new address, a test saves nothing, saved values are never shown, and an
    /// ambiguous group name is refused.
    @Test func savedCredentialsStayWhereTheyWereSaved() async throws {
        try await TestServer.run { server in
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let csrf = try await Self.signIn(browser, server)
            let created = try await browser.send(.POST, "/console/apps", form: [("name", "Guarded SaaS"), ("csrf", csrf)])
            let provisioning = try #require(created.headers.first(name: "Location"))
            let spId = String(provisioning.split(separator: "/")[2])
            #expect(try await browser.send(.POST, provisioning, form: [
                ("csrf", csrf), ("method", "bearer"), ("tenantUrl", "https://scim.saas.example/v2"), ("secretToken", "saved-token-value"), ("action", "save"),
            ]).text.contains("Saved."))
            let page = try await browser.send(.GET, provisioning)
            #expect(!page.text.contains("scim.saas.example") && page.text.contains("Tenant URL (saved)"), "saved values are masked, as Graph masks them")

            let moved = try await browser.send(.POST, provisioning, form: [
                ("csrf", csrf), ("method", "bearer"), ("tenantUrl", "https://attacker.example/v2"), ("action", "save"),
            ])
            #expect(moved.status == 400 && moved.text.contains("SecretToken"), "\(moved.text.prefix(600))")
            let test = try await browser.send(.POST, provisioning, form: [
                ("csrf", csrf), ("method", "bearer"), ("tenantUrl", "https://attacker.example/v2"), ("action", "test"),
            ])
            #expect(test.status == 400)
            let secrets = try await server.runtime.repositories.synchronizationSecrets.secrets(of: spId)
            #expect(secrets[.baseAddress] == "https://scim.saas.example/v2" && secrets[.secretToken] == "saved-token-value", "nothing moved, nothing saved")

            let admin = try await server.adminToken()
            for _ in 0..<2 {
                #expect(try await server.send(.POST, "/v1.0/groups", token: admin, json: [
                    "displayName": "Finance", "mailNickname": "finance\(UUID().uuidString.prefix(6))", "mailEnabled": false, "securityEnabled": true,
                ]).status == 201)
            }
            let ambiguous = try await browser.send(.POST, "/console/apps/\(spId)/users", form: [("csrf", csrf), ("principal", "Finance")])
            #expect(ambiguous.status == 400 && ambiguous.text.contains("object id"))
            #expect(try await server.runtime.repositories.appRoleAssignments.list(resourceId: spId).isEmpty)
        }
    }
}

extension ConsoleTests {
    /// Workload identity federation from the console: the page shows what the app's token endpoint must trust, saving
    /// keeps no secret (a client secret saved before is removed), and the method stays selected.
    @Test func workloadIdentityFederationIsSetUpWithoutASecret() async throws {
        try await TestServer.run { server in
            let browser = Browser(server)
            defer { Task { try? await browser.close() } }
            let csrf = try await Self.signIn(browser, server)
            let created = try await browser.send(.POST, "/console/apps", form: [("name", "Federated SaaS"), ("csrf", csrf)])
            let provisioning = try #require(created.headers.first(name: "Location"))
            let spId = String(provisioning.split(separator: "/")[2])
            #expect(try await browser.send(.POST, provisioning, form: [
                ("csrf", csrf), ("method", "clientCredentials"), ("tenantUrl", "https://scim.saas.example/v2"), ("tokenUrl", "https://saas.example/token"),
                ("clientId", "vendor-client"), ("clientSecret", "a-secret-to-retire"), ("action", "save"),
            ]).text.contains("Saved."))
            let saved = try await browser.send(.POST, provisioning, form: [("csrf", csrf), ("method", "federated"), ("action", "save")])
            #expect(saved.text.contains("Saved."), "\(saved.text.prefix(600))")
            let secrets = try await server.runtime.repositories.synchronizationSecrets.secrets(of: spId)
            #expect(secrets[.authenticationType] == "WorkloadIdentityFederation" && secrets[.oauth2ClientSecret] == nil)
            #expect(secrets[.oauth2TokenExchangeUri] == "https://saas.example/token" && secrets[.oauth2ClientId] == "vendor-client")

            let page = try await browser.send(.GET, provisioning)
            let sp = try #require(try await server.runtime.repositories.servicePrincipals.get(id: spId))
            #expect(page.text.contains(#"<option value="federated" selected>"#))
            #expect(page.text.contains(#"id="federationSubject">\#(sp.id)<"#) && page.text.contains(#"id="federationAudience">\#(sp.appId)<"#))
            #expect(page.text.contains("/\(server.runtime.tenant.id)/discovery/v2.0/keys</code>"))
            #expect(!page.text.contains("a-secret-to-retire"))
        }
    }
}

/// Page rendering: absent values are absent (never the text "nil"), and every value is escaped.
@Suite struct PageRenderingTests {
    @Test func absentValuesAreNotPrintedAndMarkupStaysText() throws {
        let error: String? = nil
        let rows: [[String: Any]] = [["name": "<b>x</b>", "error": error as Any], ["name": "y", "error": Optional("bad") as Any]]
        #expect(PageRenderer.withoutNils(rows) as? [[String: String]] == [["name": "<b>x</b>"], ["name": "y", "error": "bad"]])
        let values = try #require(PageRenderer.withoutNils(["heading": "<script>alert(1)</script>", "text": error as Any]))
        let html = PageRenderer().library.render(values, withTemplate: "message") ?? ""
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert"))
        #expect(!html.contains("nil"))
    }
}
