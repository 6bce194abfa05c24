import Foundation

extension CycleRun {
    /// POSTs a resource built from `values` (and `extra` attributes); its id in the app.
    func create(_ resourceType: String, schema: String, values: [(String, JSONValue)], extra: [(String, JSONValue)] = []) async throws -> String {
        let body = self.context.endpoint.dialect.createBody(schema: schema, values: values, extra: extra)
        return try await self.retrying({ try await self.scim.create(self.context.endpoint, resourceType: resourceType, body: body) }).id
    }

    /// PATCH with `replace` operations in the job's dialect (see `modify` for an app that refuses it, and `whole`); true
    /// when the resource was replaced instead.
    @discardableResult
    func update(_ resourceType: String, id: String, values: [(String, JSONValue)], whole: (JSONValue) -> JSONValue) async throws -> Bool {
        guard !values.isEmpty else { return false }
        return try await self.modify(resourceType, id: id, operations: self.context.endpoint.dialect.updateOperations(values), whole: whole)
    }

    /// PATCHes `operations`. In the RFC 7644 dialect an app that does not implement PATCH (405 or 501; a 400 is about the
    /// request, not the method) gets a PUT instead: `whole` turns the resource the app has (read first) into what it
    /// should become, since a PUT replaces everything. Entra never falls back, so a job in its dialects fails where
    /// Entra's would. True when the resource was replaced.
    @discardableResult
    func modify(_ resourceType: String, id: String, operations: [JSONValue], whole: (JSONValue) -> JSONValue) async throws -> Bool {
        guard !operations.isEmpty else { return false }
        do {
            try await self.retrying({ try await self.scim.patch(self.context.endpoint, resourceType: resourceType, id: id, operations: operations) })
            return false
        } catch SCIMError.status(let code, _, _) where (code == 405 || code == 501) && !self.context.endpoint.dialect.isEntra {
            let current = try await self.retrying({ try await self.scim.read(self.context.endpoint, resourceType: resourceType, id: id) })
            var body = whole(current)
            if case .object(var members) = body {
                members.removeAll { $0.0 == "id" }
                members.insert(("id", .string(id)), at: min(1, members.count))
                body = .object(members)
            }
            let replacement = body
            try await self.retrying({ try await self.scim.replace(self.context.endpoint, resourceType: resourceType, id: id, body: replacement) })
            return true
        }
    }

    /// Retries throttled and transient failures with backoff, honouring `Retry-After` (capped at 30 s).
    func retrying<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch let error as SCIMError {
                attempt += 1
                guard error.isTransient, attempt <= self.engine.settings.retries else { throw error }
                var delay = 0.2 * pow(2, Double(attempt - 1))
                if case .status(_, _, let retryAfter?) = error { delay = retryAfter }
                try? await Task.sleep(for: .clamped(seconds: delay, maximum: 30))
            }
        }
    }

    /// The app id of the one resource matching `attribute eq value`; nil when there is none, an error when there are several.
    func match(_ resourceType: String, _ attribute: String, _ value: String) async throws -> String? {
        let filter = SCIMFilter.equals(attribute, value)
        let found = try await self.retrying({ try await self.scim.search(self.context.endpoint, resourceType: resourceType, filter: filter) })
        guard found.count <= 1 else { throw SCIMError.duplicateTargets(count: found.count, filter: filter) }
        return found.first?.id
    }
}
