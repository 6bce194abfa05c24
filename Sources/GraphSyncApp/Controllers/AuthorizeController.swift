import Foundation
import GraphSyncAuthority
import GraphSyncCore
import Hummingbird

/// The authority's browser side: `/authorize` (authorization code flow with PKCE), the sign-in and consent pages,
/// the device flow's verification page, and logout. Decisions are `SignInService`'s; this turns them into pages,
/// redirects and cookies.
struct AuthorizeController {
    let endpoints: AuthorityEndpoints
    let tenant: Tenant
    let signIn: SignInService
    let pages: PageRenderer

    /// The browser's sign-in session at the authority, and the value that binds a page's form to the browser that
    /// opened it (login CSRF).
    static let sessionCookie = "gs_session"
    static let browserCookie = "gs_browser"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(":tenant/oauth2/v2.0/authorize", use: self.authorize)
        router.post(":tenant/oauth2/v2.0/authorize", use: self.authorize)
        router.post(":tenant/login", use: self.login)
        router.post(":tenant/consent", use: self.consent)
        router.get(":tenant/oauth2/v2.0/logout", use: self.logout)
        router.post(":tenant/oauth2/v2.0/logout", use: self.logout)
        router.get("devicelogin", use: self.deviceLoginPage)
        router.post("devicelogin", use: self.deviceLogin)
    }

    @Sendable func authorize(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        var parameters = try FormBody.parse(request.uri.query ?? "")
        if request.method == .post { parameters.merge(try await FormBody.read(request)) { _, posted in posted } }
        let browser = Self.browser(request)
        return try await self.answer(request, browser: browser) {
            let checked = try await self.signIn.check(parameters)
            return (try await self.signIn.begin(
                checked, session: request.cookies[Self.sessionCookie]?.value, browser: browser.value, address: context.sourceAddress), nil)
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        let form = try await FormBody.read(request)
        let browser = Self.browser(request)
        return try await self.answer(request, browser: browser) {
            try await self.signIn.signIn(
                flow: form["flow"] ?? "", browser: browser.value, username: form["login"] ?? "", password: form["passwd"] ?? "", address: context.sourceAddress)
        }
    }

    @Sendable func consent(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        let form = try await FormBody.read(request)
        let browser = Self.browser(request)
        return try await self.answer(request, browser: browser) {
            (try await self.signIn.consent(flow: form["flow"] ?? "", browser: browser.value, accept: form["accept"] == "yes"), nil)
        }
    }

    /// Ends the browser's session; returns to `post_logout_redirect_uri` when the client registered it.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        try TenantPath.require(context, tenant: self.tenant)
        try await self.signIn.signOut(session: request.cookies[Self.sessionCookie]?.value)
        var response = self.pages.message("You signed out of your account", "It's a good idea to close all browser windows.")
        if let target = request.uri.queryParameters["post_logout_redirect_uri"].map(String.init),
            let clientId = request.uri.queryParameters["client_id"].map(String.init),
            try await self.signIn.isRegisteredRedirect(clientId: clientId, uri: target)
        {
            response = Response(status: .found, headers: [.location: target])
        }
        response.setCookie(self.cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    @Sendable func deviceLoginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        var response = self.pages.render("deviceCode", ["action": "/devicelogin"])
        let browser = Self.browser(request)
        if browser.isNew { response.setCookie(self.cookie(Self.browserCookie, browser.value)) }
        return response
    }

    @Sendable func deviceLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let browser = Self.browser(request)
        return try await self.answer(request, browser: browser) {
            do {
                return (try await self.signIn.beginDevice(
                    userCode: form["otc"] ?? "", session: request.cookies[Self.sessionCookie]?.value, browser: browser.value, address: context.sourceAddress), nil)
            } catch SignInError.page(_, let message) where message.contains("unknown or has expired") {
                return nil
            }
        } retry: {
            self.pages.render("deviceCode", ["action": "/devicelogin", "error": "That code didn't work. Check the code and try again."], status: .badRequest)
        }
    }

    // MARK: Answers

    /// Runs a step and renders what comes of it: a page, a redirect to the app, or an error page.
    private func answer(
        _ request: Request, browser: (value: String, isNew: Bool),
        _ step: () async throws -> (SignInStep, session: String?)?, retry: (() -> Response)? = nil
    ) async throws -> Response {
        var response: Response
        do {
            if let (next, session) = try await step() {
                response = self.render(next, tenantPath: "/\(self.tenant.id)")
                if let session { response.setCookie(self.cookie(Self.sessionCookie, session)) }
            } else {
                response = retry?() ?? self.pages.message("Something went wrong", "Start again from the application.", status: .badRequest)
            }
        } catch SignInError.page(let title, let message) {
            response = self.pages.message(title, message, status: .badRequest)
        } catch SignInError.redirect(let request, let error, let description) {
            response = self.deliver(request, [("error", error), ("error_description", description)])
        } catch let failure as TokenRequestError {
            response = self.pages.message("Sign-in is not possible now", failure.description, status: failure.httpStatus == 429 ? .tooManyRequests : .badRequest)
            if let retryAfter = failure.retryAfter { response.headers[.retryAfter] = String(Int(retryAfter.rounded(.up))) }
        }
        if browser.isNew { response.setCookie(self.cookie(Self.browserCookie, browser.value)) }
        return response
    }

    private func render(_ step: SignInStep, tenantPath: String) -> Response {
        switch step {
        case .signIn(let flow, let clientName, let loginHint, let error, let redirectUri):
            return self.pages.render(
                "signIn", ["action": "\(tenantPath)/login", "flow": flow, "clientName": clientName, "loginHint": loginHint ?? "", "error": error as Any],
                status: error == nil ? .ok : .badRequest, formTarget: redirectUri)
        case .consent(let flow, let clientName, let scopes, let organizationWide, let redirectUri):
            let listed: [[String: String]] = scopes.map {
                ["value": $0.value, "description": $0.adminConsentDisplayName ?? $0.adminConsentDescription ?? $0.value]
            }
            return self.pages.render(
                "consent", ["action": "\(tenantPath)/consent", "flow": flow, "clientName": clientName, "scopes": listed, "organizationWide": organizationWide],
                formTarget: redirectUri)
        case .deliver(let request, let code):
            return self.deliver(request, [("code", code)])
        case .deviceDone(let clientName, let approved):
            return approved
                ? self.pages.message("You're signed in", "You have signed in to \(clientName) on your device. You may now close this window.")
                : self.pages.message("Sign-in declined", "You declined to sign in to \(clientName) on your device. You may now close this window.")
        }
    }

    /// The answer at the app's registered redirect URI, with `state`, by query or by an auto-posted form.
    private func deliver(_ request: AuthorizationRequest, _ fields: [(String, String)]) -> Response {
        let answer = fields + (request.state.map { [("state", $0)] } ?? [])
        switch request.responseMode {
        case .query:
            let separator = request.redirectUri.contains("?") ? "&" : "?"
            var response = Response(status: .found, headers: [.location: request.redirectUri + separator + FormBody.encode(answer)])
            response.headers[.cacheControl] = "no-store"
            return response
        case .formPost:
            let nonce = SignInHandle.new(byteCount: 16)
            return self.pages.render(
                "formPost", ["redirectUri": request.redirectUri, "fields": answer.map { ["name": $0.0, "value": $0.1] }, "nonce": nonce],
                formTarget: request.redirectUri, scriptNonce: nonce)
        }
    }

    // MARK: Cookies

    /// The browser's binding value from its cookie, or a new one to set.
    static func browser(_ request: Request) -> (value: String, isNew: Bool) {
        if let value = request.cookies[Self.browserCookie]?.value, value.count == 32, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) { return (value, false) }
        return (SignInHandle.new(byteCount: 24), true)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Self.cookie(name, value, maxAge: maxAge, endpoints: self.endpoints)
    }

    /// The cookies of the authority's pages and the console: `HttpOnly`, `SameSite=Lax`, `Secure` over https, path `/`.
    static func cookie(_ name: String, _ value: String, maxAge: Int? = nil, endpoints: AuthorityEndpoints) -> Cookie {
        (try? Cookie.validated(name: name, value: value, maxAge: maxAge, path: "/", secure: endpoints.scheme == "https", httpOnly: true, sameSite: .lax))
            ?? Cookie(name: name, value: "", maxAge: 0, path: "/")
    }
}
