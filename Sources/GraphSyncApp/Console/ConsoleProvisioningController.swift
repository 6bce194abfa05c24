import Foundation
import GraphSyncCore
import Hummingbird

/// Provisioning → Admin credentials: Bearer (Tenant URL + Secret Token), the OAuth 2 authorization code grant with
/// the **Authorize** button, and the client credentials grant; Test Connection (which saves nothing). Fields left
/// empty keep what is saved, under `SecretDestinations`' rules (a saved secret never follows a new address); no saved
/// value is ever shown, as Graph shows none.
struct ConsoleProvisioningController {
    let console: ConsolePages
    let directory: DirectoryService
    let synchronization: SynchronizationService
    let jobs: JobService
    let engine: ProvisioningEngine

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

    /// The page shows which credentials are saved, never their values (Graph masks every one); a refused form keeps
    /// what was typed, secrets excepted.
    func render(_ sp: ServicePrincipal, session: ConsoleSession, notice: String? = nil, problem: String? = nil, form: [String: String] = [:]) async throws -> Response {
        try await self.console.demand(GraphPolicies.readSynchronization, session, objectId: sp.id)
        let saved = try await self.directory.repositories.synchronizationSecrets.secrets(of: sp.id)
        let method = form["method"] ?? Self.method(of: saved)
        var values: [String: Any] = [
            "app": ConsoleAppController.appValues(sp), method: true,
            "tenantUrl": form["tenantUrl"] ?? "", "authorizationUrl": form["authorizationUrl"] ?? "", "tokenUrl": form["tokenUrl"] ?? "",
            "clientId": form["clientId"] ?? "", "scope": form["scope"] ?? "",
            "hasTenantUrl": saved[.baseAddress] != nil, "hasAuthorizationUrl": saved[.oauth2AuthorizationUri] != nil,
            "hasTokenUrl": saved[.oauth2TokenExchangeUri] != nil, "hasClientId": saved[.oauth2ClientId] != nil,
            "hasSecretToken": saved[.secretToken] != nil, "hasClientSecret": saved[.oauth2ClientSecret] != nil,
            // What the app's token endpoint checks in GraphSync's client assertion (workload identity federation).
            "federation": [
                "issuer": self.console.endpoints.canonicalIssuer,
                "jwks": "\(self.console.endpoints.canonicalIssuer.dropLast("/v2.0".count))/discovery/v2.0/keys",
                "subject": sp.id, "audience": sp.appId,
            ],
        ]
        if notice == nil, saved[.oauth2AccessToken] != nil { values["authorized"] = "Authorized: an OAuth token from the app is saved." }
        if let notice { values["notice"] = notice }
        if let problem { values["problem"] = problem }
        return self.console.render("appProvisioning", values, session: session, status: problem == nil ? .ok : .badRequest)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let sp = try await ConsoleAppController.app(context, session, console: self.console)
            try await self.console.demand(GraphPolicies.writeSynchronization, session, objectId: sp.id)
            let method = form["method"] ?? "bearer"
            let changes = Self.changes(form, method: method)
            let federation = try await self.console.permits(GraphPolicies.configureFederation, session, objectId: sp.id)
            do {
                switch form["action"] {
                case "test":
                    // Nothing is saved: the typed credentials over the saved ones (a saved secret only to its own address).
                    try await self.engine.validateCredentials(
                        servicePrincipalId: sp.id, credentials: changes, useSaved: changes.isEmpty, mayConfigureFederation: federation)
                    return try await self.render(sp, session: session, notice: "The supplied credentials are authorized to enable provisioning.", form: form)
                case "authorize" where method == "clientCredentials" || method == "federated":
                    // Kept only if the app answers with a token.
                    let secrets = try await self.synchronization.acquireAccessToken(changes, servicePrincipalId: sp.id, mayConfigureFederation: federation)
                    try await self.ensureJob(sp)
                    return try await self.render(sp, session: session, notice: "Authorized, token valid until \(secrets[.tokenExpiration] ?? "the app did not say").")
                case "authorize":
                    try await self.save(changes, method: "oauth", servicePrincipal: sp, mayConfigureFederation: federation)
                    return try await self.leaveForApp(request, form: form, sp: sp, session: session)
                default:
                    try await self.save(changes, method: method, servicePrincipal: sp, mayConfigureFederation: federation)
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

    /// The method the saved secrets are set up for.
    static func method(of saved: SynchronizationSecrets) -> String {
        if SynchronizationService.isFederated(saved) { return "federated" }
        if saved[.oauth2AuthorizationUri] != nil { return "oauth" }
        return saved[.secretToken] == nil && saved[.oauth2ClientId] != nil ? "clientCredentials" : "bearer"
    }

    /// What the form changes: the fields typed (an empty field keeps what is saved), and for the chosen method the
    /// removal of the other methods' settings (and, for Bearer, of tokens from an earlier authorization).
    static func changes(_ form: [String: String], method: String) -> [(SynchronizationSecretKey, String)] {
        var changes: [(SynchronizationSecretKey, String)] = []
        func typed(_ field: String, _ key: SynchronizationSecretKey) {
            let value = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { changes.append((key, String(value.prefix(4_096)))) }
        }
        typed("tenantUrl", .baseAddress)
        let removed: [SynchronizationSecretKey]
        switch method {
        case "oauth", "clientCredentials":
            typed("tokenUrl", .oauth2TokenExchangeUri)
            typed("clientId", .oauth2ClientId)
            typed("clientSecret", .oauth2ClientSecret)
            if method == "oauth" { typed("authorizationUrl", .oauth2AuthorizationUri) }
            removed = (method == "oauth" ? [.secretToken] : [.secretToken, .oauth2AuthorizationUri, .oauth2RedirectUri]) + [.authenticationType]
        case "federated":
            // No secret at all: GraphSync's authority signs a client assertion for each token request.
            typed("tokenUrl", .oauth2TokenExchangeUri)
            typed("clientId", .oauth2ClientId)
            changes.append((.authenticationType, SynchronizationService.workloadIdentityFederation))
            removed = [.secretToken, .oauth2AuthorizationUri, .oauth2RedirectUri, .oauth2ClientSecret, .oauth2RefreshToken]
        default:
            typed("secretToken", .secretToken)
            removed = [.oauth2AuthorizationUri, .oauth2TokenExchangeUri, .oauth2ClientId, .oauth2ClientSecret, .oauth2AccessToken, .oauth2RefreshToken,
                       .tokenExpiration, .oauth2AccessTokenCreationTime, .authenticationType]
        }
        return changes + removed.map { ($0, "") }
    }

    /// Saves the changes in one transaction, refusing a result that lacks what the method needs; then the app gets
    /// its provisioning job from its template, on the first save.
    func save(
        _ changes: [(SynchronizationSecretKey, String)], method: String, servicePrincipal sp: ServicePrincipal, mayConfigureFederation: Bool
    ) async throws {
        try await self.synchronization.overlaySecrets(changes, servicePrincipalId: sp.id, mayConfigureFederation: mayConfigureFederation) { result in
            let needed: [(SynchronizationSecretKey, String)] = switch method {
            case "oauth": [(.baseAddress, "the Tenant URL"), (.oauth2AuthorizationUri, "the authorization URL"), (.oauth2TokenExchangeUri, "the token URL"),
                           (.oauth2ClientId, "the client identifier"), (.oauth2ClientSecret, "the client secret")]
            case "clientCredentials": [(.baseAddress, "the Tenant URL"), (.oauth2TokenExchangeUri, "the token URL"), (.oauth2ClientId, "the client identifier"),
                                       (.oauth2ClientSecret, "the client secret")]
            case "federated": [(.baseAddress, "the Tenant URL"), (.oauth2TokenExchangeUri, "the token URL"), (.oauth2ClientId, "the client identifier")]
            default: [(.baseAddress, "the Tenant URL"), (.secretToken, "the Secret Token")]
            }
            let missing = needed.filter { result[$0.0] == nil }.map(\.1)
            guard missing.isEmpty else { throw ConsoleFailure(heading: "Missing settings", message: "Enter \(missing.joined(separator: ", ")).") }
        }
        try await self.ensureJob(sp)
    }

    func ensureJob(_ sp: ServicePrincipal) async throws {
        guard try await self.directory.repositories.jobs.list(servicePrincipalId: sp.id).isEmpty else { return }
        let template = sp.properties["applicationTemplateId"]?.stringValue.flatMap(ApplicationTemplate.withId)?.synchronizationTemplateId ?? "scim"
        _ = try await self.jobs.create(servicePrincipalId: sp.id, templateId: template)
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
