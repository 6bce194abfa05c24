import Foundation
import Hummingbird
import Logging

/// Renders every failure of a Graph route as a Graph error: framework errors (413, malformed bodies) and
/// domain errors are mapped; anything unexpected is logged and answered as a 500 without internal detail.
struct GraphErrorMiddleware<Context: GraphContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GraphError {
            throw error
        } catch let error as OAuthError {
            throw error
        } catch let error as HTTPError {
            throw Self.translate(error)
        } catch {
            let graphError = GraphError.from(error)
            if graphError.status == .internalServerError {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            throw graphError
        }
    }

    static func translate(_ error: HTTPError) -> GraphError {
        switch error.status {
        case .contentTooLarge:
            return GraphError(.contentTooLarge, code: "RequestEntityTooLarge", message: "The request body exceeds the 1 MiB limit.")
        case .notFound:
            return GraphError(.notFound, code: "NotFound", message: "No resource at this path. Graph routes live under /v1.0 and /beta.")
        default:
            return GraphError(error.status, code: "BadRequest", message: error.body ?? error.status.reasonPhrase)
        }
    }
}
