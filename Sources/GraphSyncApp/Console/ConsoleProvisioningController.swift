import Foundation
import GraphSyncCore
import Hummingbird

/// Provisioning → Admin credentials: Bearer (Tenant URL + Secret Token), the OAuth 2 authorization code grant with
/// the **Authorize** button, and the client credentials grant; Test Connection. Secrets are written with the same
/// replace semantics as `PUT …/secrets` and never shown again (password fields stay empty).
struct ConsoleProvisioningController {
    let console: ConsolePages
    let directory: DirectoryService
    let synchronization: SynchronizationService
    let jobs: JobService
    let engine: ProvisioningEngine

    /// The keys this page edits; every other saved secret (SyncAll, notification settings, …) is kept as it is.
    static let editedKeys: Set<SynchronizationSecretKey> = [
        .baseAddress, .secretToken, .oauth2AuthorizationUri, .oauth2TokenExchangeUri, .oauth2ClientId, .oauth2ClientSecret,
    ]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("console/apps/:id/provisioning", use: self.page)
        router.post("console/apps/:id/provisioning", use: self.submit)
        router.get("console/oauth/callback", use: self.authorized)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let sp = try await ConsoleAppController.app(context, session, console: self.console)
            return try await self.render(sp, session: session)
        }
    }

    func render(_ sp: ServicePrincipal, session: ConsoleSession, notice: String? = nil, problem: String? = nil, form: [String: String] = [:]) async throws -> Response {
        try await self.console.demand(GraphPolicies.readSynchronization, session, objectId: sp.id)
        let saved = try await self.directory.repositories.synchronizationSecrets.secrets(of: sp.id)
        let method = form["method"] ?? (saved[.oauth2AuthorizationUri] != nil ? "oauth" : saved[.secretToken] == nil && saved[.oauth2ClientId] != nil ? "clientCredentials" : "bearer")
        var values: [String: Any] = [
            "app": ConsoleAppController.appValues(sp), method: true,
            "tenantUrl": form["tenantUrl"] ?? saved[.baseAddress] ?? "", "authorizationUrl": form["authorizationUrl"] ?? saved[.oauth2AuthorizationUri] ?? "",
            "tokenUrl": form["tokenUrl"] ?? saved[.oauth2TokenExchangeUri] ?? "", "clientId": form["clientId"] ?? saved[.oauth2ClientId] ?? "",
            "scope": form["scope"] ?? "", "hasSecretToken": saved[.secretToken] != nil, "hasClientSecret": saved[.oauth2ClientSecret] != nil,
        ]
        if notice == nil, let expiry = saved[.tokenExpiration], saved[.oauth2AccessToken] != nil { values["authorized"] = "Authorized, token valid until \(expiry)." }
        if let notice { values["notice"] = notice }
        if let problem { values["problem"] = problem }
        return self.console.render("appProvisioning", values, session: session, status: problem == nil ? .ok : .badRequest)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let sp = try await ConsoleAppController.app(context, session, console: self.console)
            try await self.console.demand(GraphPolicies.writeSynchronization, session, objectId: sp.id)
            do {
                try await self.save(form, servicePrincipal: sp)
                switch form["action"] {
                case "authorize":
                    if form["method"] == "oauth" { return try await self.leaveForApp(request, form: form, sp: sp, session: session) }
                    let secrets = try await self.synchronization.acquireAccessToken([], servicePrincipalId: sp.id)
                    return try await self.render(sp, session: session, notice: "Authorized, token valid until \(secrets[.tokenExpiration] ?? "the app did not say").")
                case "test":
                    try await self.engine.validateCredentials(servicePrincipalId: sp.id, credentials: [], useSaved: true)
                    return try await self.render(sp, session: session, notice: "The supplied credentials are authorized to enable provisioning.")
                default:
                    return try await self.render(sp, session: session, notice: "Saved.")
                }
            } catch let failure as SCIMError {
                return try await self.render(sp, session: session, problem: "Test Connection failed: \(failure.message). Check the Tenant URL and the credentials.", form: form)
            } catch let failure as ConsoleFailure {
                return try await self.render(sp, session: session, problem: failure.message, form: form)
            } catch let failure as SynchronizationError {
                return try await self.render(sp, session: session, problem: GraphError.from(failure).message, form: form)
            }
        }
    }

    /// Saves the form's credentials over the saved secrets (an empty secret field keeps the saved secret), and creates
    /// the app's provisioning job from its template on the first save.
    func save(_ form: [String: String], servicePrincipal sp: ServicePrincipal) async throws {
        let saved = try await self.directory.repositories.synchronizationSecrets.secrets(of: sp.id)
        func value(_ field: String, _ key: SynchronizationSecretKey) -> String? {
            let typed = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
            return typed.isEmpty ? saved[key] : String(typed.prefix(4_096))
        }
        guard let tenantUrl = value("tenantUrl", .baseAddress), !tenantUrl.isEmpty else {
            throw ConsoleFailure(heading: "Tenant URL", message: "Enter the app's Tenant URL (its SCIM endpoint).")
        }
        var pairs = saved.keys.filter { !Self.editedKeys.contains($0) }.compactMap { key in saved[key].map { (key, $0) } }
        pairs.append((.baseAddress, tenantUrl))
        switch form["method"] {
        case "oauth", "clientCredentials":
            for (field, key) in [("tokenUrl", SynchronizationSecretKey.oauth2TokenExchangeUri), ("clientId", .oauth2ClientId), ("clientSecret", .oauth2ClientSecret)] {
                guard let value = value(field, key) else {
                    throw ConsoleFailure(heading: "Missing setting", message: "Enter the \(field == "tokenUrl" ? "token URL" : field == "clientId" ? "client identifier" : "client secret").")
                }
                pairs.append((key, value))
            }
            if form["method"] == "oauth" {
                guard let authorizationUrl = value("authorizationUrl", .oauth2AuthorizationUri) else {
                    throw ConsoleFailure(heading: "Missing setting", message: "Enter the authorization URL.")
                }
                pairs.append((.oauth2AuthorizationUri, authorizationUrl))
            }
        default:
            guard let token = value("secretToken", .secretToken) else {
                throw ConsoleFailure(heading: "Missing setting", message: "Enter the Secret Token the app gave you.")
            }
            pairs.append((.secretToken, token))
        }
        try await self.synchronization.replaceSecrets(with: pairs, servicePrincipalId: sp.id)
        if try await self.directory.repositories.jobs.list(servicePrincipalId: sp.id).isEmpty {
            let template = sp.properties["applicationTemplateId"]?.stringValue.flatMap(ApplicationTemplate.withId)?.synchronizationTemplateId ?? "scim"
            _ = try await self.jobs.create(servicePrincipalId: sp.id, templateId: template)
        }
    }

    /// Authorize: to the app's authorization page with a `state` bound to this session and app.
    func leaveForApp(_ request: Request, form: [String: String], sp: ServicePrincipal, session: ConsoleSession) async throws -> Response {
        let saved = try await self.directory.repositories.synchronizationSecrets.secrets(of: sp.id)
        guard let authorizationUrl = saved[.oauth2AuthorizationUri], var target = URLComponents(string: authorizationUrl),
            ["https", "http"].contains(target.scheme?.lowercased() ?? ""), target.host != nil, let clientId = saved[.oauth2ClientId]
        else { throw ConsoleFailure(heading: "Authorization URL", message: "The authorization URL must be an http(s) address.") }
        let redirectUri = "\(self.console.endpoints.baseURL(for: request))/console/oauth/callback"
        let state = try await self.console.signIn.beginAppAuthorization(
            session: request.cookies[ConsolePages.sessionCookie]?.value ?? "", servicePrincipalId: sp.id, redirectUri: redirectUri)
        var items = target.queryItems ?? []
        items += [URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: clientId),
                  URLQueryItem(name: "redirect_uri", value: redirectUri), URLQueryItem(name: "state", value: state)]
        let scope = (form["scope"] ?? "").trimmingCharacters(in: .whitespaces)
        if !scope.isEmpty { items.append(URLQueryItem(name: "scope", value: String(scope.prefix(1_024)))) }
        target.queryItems = items
        guard let location = target.url?.absoluteString else { throw ConsoleFailure(heading: "Authorization URL", message: "The authorization URL is not valid.") }
        return self.console.render("consoleLeaving", ["app": ConsoleAppController.appValues(sp), "target": location], session: session)
    }

    /// The app's redirect back: the code is exchanged by `acquireAccessToken` and kept; the page says until when the
    /// token is valid, or the app's error in words — never a token.
    @Sendable func authorized(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let query = request.uri.queryParameters
            let (spId, redirectUri) = try await self.console.signIn.finishAppAuthorization(
                state: query["state"].map(String.init) ?? "", session: request.cookies[ConsolePages.sessionCookie]?.value ?? "")
            guard let sp = try await self.directory.repositories.servicePrincipals.get(id: spId) else {
                throw ConsoleFailure(heading: "Application not found", message: "The application was deleted.", status: .notFound)
            }
            try await self.console.demand(GraphPolicies.writeSynchronization, session, objectId: sp.id)
            if let error = query["error"] {
                let words = query["error_description"].map { String($0.prefix(512)) } ?? ""
                return try await self.render(sp, session: session, problem: "The app refused the authorization: \(error.prefix(64))\(words.isEmpty ? "" : " — \(words)").")
            }
            guard let code = query["code"], !code.isEmpty, code.count <= 4_096 else {
                return try await self.render(sp, session: session, problem: "The app answered without an authorization code.")
            }
            do {
                let secrets = try await self.synchronization.acquireAccessToken(
                    [(.oauth2AuthorizationCode, String(code)), (.oauth2RedirectUri, redirectUri)], servicePrincipalId: sp.id)
                return try await self.render(sp, session: session, notice: "Authorized, token valid until \(secrets[.tokenExpiration] ?? "the app did not say").")
            } catch let failure as SynchronizationError {
                return try await self.render(sp, session: session, problem: "The app's token endpoint refused the code: \(GraphError.from(failure).message)")
            }
        }
    }
}
