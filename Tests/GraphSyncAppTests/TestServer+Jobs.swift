import Foundation
import Testing

extension TestServer {
    /// A new SCIM app with a job from the `scim` template: the jobs path under its service principal, and the job's id.
    func scimJob(admin: String) async throws -> (base: String, jobId: String) {
        let (_, sp, _) = try await self.runtime.createApplication(displayName: "SCIM app", permissions: [])
        let base = "/v1.0/servicePrincipals/\(sp.id)/synchronization/jobs"
        let jobId = try #require(try await self.send(.POST, base, token: admin, json: ["templateId": "scim"])["id"] as? String)
        return (base, jobId)
    }

    /// The job's schema as a PUT body, with the attribute mappings of its first object mapping (users) changed by `edit`.
    func schema(_ base: String, _ jobId: String, admin: String, editingUserMappings edit: (inout [[String: Any]]) -> Void) async throws -> [String: Any] {
        var schema = try await self.send(.GET, "\(base)/\(jobId)/schema", token: admin).json
        schema["@odata.context"] = nil
        var rules = try #require(schema["synchronizationRules"] as? [[String: Any]])
        var mappings = try #require(rules[0]["objectMappings"] as? [[String: Any]])
        var attributes = try #require(mappings[0]["attributeMappings"] as? [[String: Any]])
        edit(&attributes)
        mappings[0]["attributeMappings"] = attributes
        rules[0]["objectMappings"] = mappings
        schema["synchronizationRules"] = rules
        return schema
    }
}
