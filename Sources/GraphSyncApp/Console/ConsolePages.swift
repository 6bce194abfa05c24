import Foundation
import GraphSyncAuthority
import GraphSyncCore
import Hummingbird

/// What every console page needs: the signed-in session from its cookie, the CSRF check on forms, rendering with the
/// layout's values, and errors in words (the domain's errors mapped once, by `GraphError.from`).
struct ConsolePages: Sendable {
    typealias Session = ConsoleSession
    let endpoints: AuthorityEndpoints
    let signIn: SignInService
    let pages: PageRenderer

    static let sessionCookie = "gs_console"

    /// The request's console session, or nil (the caller redirects to sign-in).
    func session(_ request: Request) async throws -> ConsoleSession? {
        try await self.signIn.consoleSession(request.cookies[Self.sessionCookie]?.value)
    }

    /// A POSTed form, after checking it carries the session's CSRF token.
    func form(_ request: Request, _ session: ConsoleSession) async throws -> [String: String] {
        let form = try await FormBody.read(request)
        let sent = form["csrf"] ?? ""
        guard SignInHandle.constantTimeEquals(sent, session.csrf) else {
            throw ConsoleFailure(heading: "Your session's form expired", message: "Reload the page and try again.")
        }
        return form
    }

    func render(_ template: String, _ values: [String: Any], session: ConsolePages.Session, status: HTTPResponse.Status = .ok, scriptNonce: String? = nil) -> Response {
        var all = values
        all["csrf"] = session.csrf
        all["userName"] = session.user.displayName
        return self.pages.render(template, all, status: status, scriptNonce: scriptNonce)
    }

    func message(_ heading: String, _ text: String, session: ConsoleSession, status: HTTPResponse.Status = .badRequest) -> Response {
        self.render("consoleMessage", ["heading": heading, "text": text], session: session, status: status)
    }

    /// Runs a page's work for a signed-in person; anything that goes wrong is a page that says what and why.
    func signedIn(_ request: Request, _ body: (ConsoleSession) async throws -> Response) async throws -> Response {
        guard let session = try await self.session(request) else {
            let returnTo = request.method == .get ? request.uri.path : "/console/apps"
            return Response(status: .found, headers: [.location: "/console/signin?" + FormBody.encode([("returnTo", returnTo)])])
        }
        do {
            return try await body(session)
        } catch let failure as ConsoleFailure {
            return self.message(failure.heading, failure.message, session: session, status: failure.status)
        } catch SignInError.page(let title, let message) {
            return self.message(title, message, session: session)
        } catch let failure as TokenRequestError {
            return self.message("The request was refused", failure.description, session: session)
        } catch {
            let graph = GraphError.from(error)
            return self.message(graph.status == .forbidden ? "You don't have access" : "That didn't work", graph.message, session: session, status: graph.status)
        }
    }

    /// `true` when `policy` lets the session's caller act on the object (its owners consulted only when needed).
    func permits(_ policy: AccessPolicy, _ session: ConsoleSession, objectId: String) async throws -> Bool {
        let owners = self.signIn.repositories.owners
        return try await policy.permits(session.caller, ownerIds: { try await owners.ownerIds(of: objectId) })
    }

    func demand(_ policy: AccessPolicy, _ session: ConsoleSession, objectId: String) async throws {
        guard try await self.permits(policy, session, objectId: objectId) else { throw GraphError.forbidden(policy, session.caller) }
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        AuthorizeController.cookie(name, value, maxAge: maxAge, endpoints: self.endpoints)
    }

    /// How far `policy` reaches for the session's caller (an owner-only permission: what it owns), or a 403.
    func accessScope(_ policy: AccessPolicy, _ session: ConsoleSession) throws -> AccessScope {
        try policy.scope(for: session.caller)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

/// A console action that cannot go on, in words for the page.
struct ConsoleFailure: Error {
    var heading: String
    var message: String
    var status: HTTPResponse.Status = .badRequest
}
