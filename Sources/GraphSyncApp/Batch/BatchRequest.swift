import GraphSyncCore

/// One request of a JSON batch (`POST /$batch`), as Graph documents it: `id`, `method`, `url`, and optionally
/// `headers`, `body` and `dependsOn`. Problems that concern one request only (its URL, headers or body) are found
/// when it is sent (`BatchRequest+Dispatch`) and answered in its response; `parse` refuses the batch whole.
struct BatchRequest: Sendable {
    var id: String
    var method: String
    var url: String
    var headers: JSONValue?
    var body: JSONValue?
    var dependsOn: [String]

    /// Graph's limit on the requests in one batch.
    static let limit = 20

    /// The id as compared: Graph's ids are case-insensitive.
    var key: String { self.id.lowercased() }

    /// The requests of a batch body. Throws Graph's 400 for a body Graph refuses whole: not `{"requests":[…]}`, more
    /// than 20 requests, a request without `id`, `method` or `url`, a repeated id, a `dependsOn` naming no request.
    static func parse(_ body: JSONValue) throws -> [BatchRequest] {
        guard let items = body["requests"]?.arrayValue else {
            throw Self.invalid("The batch body must be a JSON object with a 'requests' array.")
        }
        guard !items.isEmpty else { throw Self.invalid("The batch must contain at least one request.") }
        guard items.count <= Self.limit else {
            throw GraphError.badRequest("The number of batch requests exceeds the limit of \(Self.limit).", code: "BadRequest")
        }
        let requests = try items.enumerated().map { index, item in try Self(item, index: index) }
        var seen = Set<String>()
        for request in requests where !seen.insert(request.key).inserted {
            throw Self.invalid("The batch contains more than one request with id '\(request.id)'; ids must be unique.")
        }
        for request in requests {
            for id in request.dependsOn where !seen.contains(id.lowercased()) {
                throw Self.invalid("Request '\(request.id)' depends on '\(id)', which is not a request of this batch.")
            }
        }
        return requests
    }

    private init(_ item: JSONValue, index: Int) throws {
        guard item.objectValue != nil else { throw Self.invalid("Request \(index + 1) of the batch is not a JSON object.") }
        func required(_ name: String) throws -> String {
            guard let value = item[name]?.stringValue, !value.isEmpty else {
                throw Self.invalid("Request \(index + 1) of the batch has no '\(name)'; 'id', 'method' and 'url' are required strings.")
            }
            return value
        }
        self.id = try required("id")
        self.method = try required("method")
        self.url = try required("url")
        self.headers = item["headers"].flatMap { $0 == .null ? nil : $0 }
        self.body = item["body"].flatMap { $0 == .null ? nil : $0 }
        switch item["dependsOn"] {
        case nil, .some(.null):
            self.dependsOn = []
        case .some(.array(let ids)) where ids.allSatisfy({ $0.stringValue != nil }):
            self.dependsOn = ids.compactMap(\.stringValue)
        default:
            throw Self.invalid("The 'dependsOn' of request '\(self.id)' must be an array of request ids.")
        }
    }

    /// The indexes of `requests` in the order they run: each after every request it depends on, otherwise in the
    /// order sent. Throws Graph's 400 for a dependency cycle.
    static func executionOrder(_ requests: [BatchRequest]) throws -> [Int] {
        var done = Set<String>()
        var order: [Int] = []
        while order.count < requests.count {
            let ready = requests.indices.first { index in
                !done.contains(requests[index].key) && requests[index].dependsOn.allSatisfy { done.contains($0.lowercased()) }
            }
            guard let ready else {
                let stuck = requests.filter { !done.contains($0.key) }.map { "'\($0.id)'" }.joined(separator: ", ")
                throw Self.invalid("The requests \(stuck) depend on each other in a cycle.")
            }
            done.insert(requests[ready].key)
            order.append(ready)
        }
        return order
    }

    private static func invalid(_ detail: String) -> GraphError {
        GraphError.badRequest("Invalid batch payload format. \(detail)", code: "BadRequest")
    }
}
