import Hummingbird
import Logging
import Synchronization

/// The application's outermost responder, for requests made inside the server (a JSON batch's requests). Such a
/// request takes the same path as one from a socket: request ids, key-segment rewriting, every middleware (bearer
/// authentication, query options, error mapping), the route and its permission checks.
///
/// The routes are built before the responder that contains them, so it is attached once built (`attach`).
final class InProcessResponder: Sendable {
    private let responder = Mutex<(any HTTPResponder<AppRequestContext>)?>(nil)

    init() {}

    /// Makes `responder` the one requests are sent to. Call once, with the responder the server runs.
    func attach(_ responder: some HTTPResponder<AppRequestContext>) {
        self.responder.withLock { $0 = responder }
    }

    /// `request`'s response, with a fresh context marked as batched (nothing carries over from the caller's context).
    func respond(to request: Request, logger: Logger) async throws -> Response {
        guard let responder = self.responder.withLock({ $0 }) else {
            throw GraphError(.internalServerError, code: "generalException", message: "An internal server error occurred.")
        }
        return try await responder.respond(to: request, context: AppRequestContext(inProcess: logger))
    }
}
