import Hummingbird

/// Rejects a malformed query string or an unknown system query option on every Graph route, including those that
/// take no options, so a mistyped or encoded option is never silently ignored.
struct QueryOptionsMiddleware<Context: GraphContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.query != nil { _ = try QueryOptions(request) }
        return try await next(request, context)
    }
}
