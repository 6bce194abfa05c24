import Foundation
import GraphSyncCore
import Hummingbird

/// The console's door and its first page: signing in through the authority's own authorization code flow with PKCE
/// (the console is a public client of it), signing out, and Enterprise applications (list, search, create).
struct ConsoleController {
    let console: ConsolePages
    let directory: DirectoryService
    let tenantId: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("", use: { _, _ in ConsolePages.redirect("/console/apps") })
        router.get("console", use: { _, _ in ConsolePages.redirect("/console/apps") })
        router.get("console/signin", use: self.signIn)
        router.get("console/callback", use: self.callback)
        router.post("console/signout", use: self.signOut)
        router.get("console/apps", use: self.apps)
        router.post("console/apps", use: self.create)
    }

    /// Where the authority sends the browser back, for this request's address.
    func callbackURI(_ request: Request) -> String { "\(self.console.endpoints.baseURL(for: request))/console/callback" }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let browser = AuthorizeController.browser(request)
        var returnTo = request.uri.queryParameters["returnTo"].map(String.init) ?? "/console/apps"
        if !returnTo.hasPrefix("/console/") || returnTo.hasPrefix("//") || returnTo.contains("\\") { returnTo = "/console/apps" }
        let redirectUri = self.callbackURI(request)
        let (state, challenge): (String, String)
        do {
            (state, challenge) = try await self.console.signIn.beginConsoleSignIn(
                browser: browser.value, redirectUri: redirectUri, returnTo: returnTo, address: context.sourceAddress)
        } catch let failure as TokenRequestError {
            var response = self.console.pages.message("Sign-in is not possible now", failure.description, status: .tooManyRequests)
            if let wait = failure.retryAfter { response.headers[.retryAfter] = String(Int(wait.rounded(.up))) }
            return response
        }
        let authorize = "/\(self.tenantId)/oauth2/v2.0/authorize?" + FormBody.encode([
            ("client_id", WellKnown.consoleAppId), ("response_type", "code"), ("redirect_uri", redirectUri),
            ("scope", "openid profile offline_access https://graph.microsoft.com/.default"), ("state", state),
            ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ])
        var response = ConsolePages.redirect(authorize)
        if browser.isNew { response.setCookie(self.console.cookie(AuthorizeController.browserCookie, browser.value)) }
        return response
    }

    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let error = query["error"] {
            return self.console.pages.message("Sign-in did not complete", "\(error): \(query["error_description"].map(String.init) ?? "")", status: .badRequest)
        }
        do {
            let (session, returnTo) = try await self.console.signIn.finishConsoleSignIn(
                state: query["state"].map(String.init) ?? "", browser: AuthorizeController.browser(request).value, code: query["code"].map(String.init) ?? "")
            var response = ConsolePages.redirect(returnTo)
            response.setCookie(self.console.cookie(ConsolePages.sessionCookie, session))
            return response
        } catch SignInError.page(let title, let message) {
            return self.console.pages.message(title, message, status: .badRequest)
        } catch let failure as TokenRequestError {
            return self.console.pages.message("Sign-in did not complete", failure.description, status: .badRequest)
        }
    }

    /// Ends the console session and the authority's browser session.
    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            _ = try await self.console.form(request, session)
            try await self.console.signIn.endConsoleSession(request.cookies[ConsolePages.sessionCookie]?.value)
            var response = ConsolePages.redirect("/\(self.tenantId)/oauth2/v2.0/logout")
            response.setCookie(self.console.cookie(ConsolePages.sessionCookie, "", maxAge: 0))
            return response
        }
    }

    @Sendable func apps(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let scope = try self.console.accessScope(GraphPolicies.readApplications, session)
            let query = String((request.uri.queryParameters["q"].map(String.init) ?? "").prefix(256)).trimmingCharacters(in: .whitespaces)
            let page = try await self.directory.repositories.servicePrincipals.list(DirectoryQuery(top: 999, ownedBy: scope.ownerId))
            let hidden: Set<String> = [WellKnown.graphAppId, WellKnown.consoleAppId]
            let shown = page.items.filter { !hidden.contains($0.appId) && (query.isEmpty || $0.displayName.localizedCaseInsensitiveContains(query)) }
                .prefix(200)
            // One query for every shown app's jobs.
            let jobs = try await self.directory.repositories.jobs.list(servicePrincipalIds: shown.map(\.id))
            var apps: [[String: Any]] = []
            for sp in shown {
                var status = "—"
                if try await self.console.permits(GraphPolicies.readSynchronization, session, objectId: sp.id) {
                    status = jobs[sp.id.lowercased()]?.first.map { ConsoleJobText.state($0) } ?? "Not set up"
                }
                apps.append(["id": sp.id, "displayName": sp.displayName, "appId": sp.appId, "status": status])
            }
            let canCreate = GraphPolicies.createApplications.evaluate(session.caller) != .denied
            return self.console.render("apps", ["apps": apps, "query": query, "canCreate": canCreate], session: session)
        }
    }

    /// Creates an enterprise app from the non-gallery template (application, service principal, the SCIM template).
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            // As Graph's instantiate: an owner-only permission creates what the caller then owns.
            let scope = try self.console.accessScope(GraphPolicies.createApplications, session)
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 256 else { throw ConsoleFailure(heading: "A name is needed", message: "Give the application a name of at most 256 characters.") }
            guard let template = ApplicationTemplate.withId(ApplicationTemplate.nonGalleryId) else { throw ConsoleFailure(heading: "No template", message: "The non-gallery template is missing.") }
            let owner = try await self.directory.principal(id: session.caller.objectId)
            let (_, sp) = try await self.directory.instantiate(template, displayName: name, owner: owner, within: scope)
            return ConsolePages.redirect("/console/apps/\(sp.id)/provisioning")
        }
    }
}

/// Job states in the words Entra's Overview uses.
enum ConsoleJobText {
    static func state(_ job: SynchronizationJob) -> String {
        if job.status.quarantine != nil { return "Quarantined" }
        switch job.schedule.state {
        case "Active": return job.status.code == "Active" ? "Running" : "On"
        case "Paused": return "Off"
        default: return "Off"
        }
    }
}
