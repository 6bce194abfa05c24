import GraphSyncCore
import Hummingbird

/// `POST /$batch`: Graph's JSON batching (up to 20 requests in one call). Each request is sent through the whole
/// application in-process (`InProcessResponder`) with the batch's bearer token, exactly as if it were sent alone, so
/// the same authentication, permission checks, limits and error mapping apply. Requests run one at a time, each after
/// the requests it `dependsOn`; one whose dependency failed (status 400 or above) is answered 424 unsent. Responses
/// come back in the order of the requests.
struct BatchController {
    let responder: InProcessResponder
    /// Graph's host (`graph.microsoft.com`): absolute URLs may name it as well as this server.
    let graphHost: String
    /// The most a whole batch may take: a request not finished by then is cancelled, and it and the rest answer 504.
    var timeLimit: Duration = .seconds(60)

    func addRoutes(to routes: GraphRoutes) {
        routes.post("$batch", self.batch)
    }

    @Sendable func batch(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard !context.inBatch else {
            throw GraphError.badRequest("A batch cannot contain another $batch request.", code: "BadRequest")
        }
        let requests = try BatchRequest.parse(try await RequestBody.json(request, context: context))
        let version = request.uri.path.split(separator: "/").first.map(String.init) ?? "v1.0"
        let deadline = ContinuousClock.now + self.timeLimit
        var statuses: [String: Int] = [:]  // by key, of the requests run so far
        var responses: [Int: JSONValue] = [:]
        for index in try BatchRequest.executionOrder(requests) {
            let item = requests[index]
            let failed = item.dependsOn.first { (statuses[$0.lowercased()] ?? 0) >= 400 }
            let (status, rendered) = try await self.run(item, after: failed, version: version, batch: request, context: context, deadline: deadline)
            statuses[item.key] = status
            responses[index] = rendered
        }
        return try GraphResponse.json(.object([("responses", .array(requests.indices.compactMap { responses[$0] }))]))
    }

    /// `item`'s status and rendered response: its own answer, or the error that kept it from being sent (the failed
    /// dependency `failed`, a problem of its own, the batch's time).
    private func run(
        _ item: BatchRequest, after failed: String?, version: String, batch: Request, context: AuthenticatedContext,
        deadline: ContinuousClock.Instant
    ) async throws -> (Int, JSONValue) {
        do {
            if let failed {
                throw GraphError(
                    .init(code: 424, reasonPhrase: "Failed Dependency"), code: "FailedDependency",
                    message: "Request '\(item.id)' was not sent: request '\(failed)', which it depends on, failed.")
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw OutOfTime() }
            let inner = try item.request(version: version, batch: batch, graphHost: self.graphHost)
            let (responder, logger) = (self.responder, context.logger)
            return try await TimeLimit.run(within: remaining) {
                let response = try await responder.respond(to: inner, logger: logger)
                return (Int(response.status.code), try await BatchResponse.render(id: item.id, response))
            }
        } catch {
            let graphError =
                error is TimeLimit.Exceeded || error is OutOfTime
                ? GraphError(
                    .gatewayTimeout, code: "GatewayTimeout",
                    message: "The batch did not finish within \(self.timeLimit); request '\(item.id)' was not completed.")
                : GraphError.from(error)
            let response = try graphError.response(from: batch, context: context)
            return (Int(graphError.status.code), try await BatchResponse.render(id: item.id, response))
        }
    }
}

/// The batch's time ran out before a request was sent.
private struct OutOfTime: Error {}
