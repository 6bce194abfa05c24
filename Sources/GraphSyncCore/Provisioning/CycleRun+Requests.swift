import Foundation

extension CycleRun {
    /// POSTs a resource built from `values` (and `extra` attributes); its id in the app.
    func create(_ resourceType: String, schema: String, values: [(String, JSONValue)], extra: [(String, JSONValue)] = []) async throws -> String {
        let body = self.context.endpoint.dialect.createBody(schema: schema, values: values, extra: extra)
        return try await self.retrying({ try await self.scim.create(self.context.endpoint, resourceType: resourceType, body: body) }).id
    }

    /// PATCH with `replace` operations in the job's dialect; falls back to PUT when the app does not take the PatchOp.
    func update(_ resourceType: String, id: String, schema: String, values: [(String, JSONValue)]) async throws {
        guard !values.isEmpty else { return }
        do {
            try await self.retrying({
                try await self.scim.patch(
                    self.context.endpoint, resourceType: resourceType, id: id, operations: self.context.endpoint.dialect.updateOperations(values))
            })
        } catch SCIMError.status(let code, _, _) where code == 400 || code == 405 || code == 501 {
            var body = AttributeMapper.resource(schema: schema, values: values)
            if case .object(var members) = body {
                members.insert(("id", .string(id)), at: 1)
                body = .object(members)
            }
            let replacement = body
            try await self.retrying({ try await self.scim.replace(self.context.endpoint, resourceType: resourceType, id: id, body: replacement) })
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
