import Foundation
import GraphSyncCore
import Hummingbird

/// `servicePrincipals/{id}/synchronization/templates` and `…/jobs` (and the same under `applications/{id}`): create
/// jobs from templates, start, pause and restart them, read and replace their schema, and read their status.
struct SynchronizationJobsController {
    /// `servicePrincipals` or `applications`: one controller serves each.
    let collection: String
    let services: GraphServices
    let jobs: JobService
    let engine: ProvisioningEngine
    /// Wakes the background scheduler (after start/restart).
    let wake: @Sendable () -> Void
    /// provisionOnDemand's rate, per job (Graph documents 5 requests per 10 seconds).
    let onDemandLimit: SharedRateLimit

    func addRoutes(to routes: GraphRoutes) {
        let base = "\(self.collection)/:id/synchronization"
        routes.get("\(base)/templates", self.listTemplates)
        routes.get("\(base)/templates/:templateId", self.getTemplate)
        routes.get("\(base)/templates/:templateId/schema", self.getTemplateSchema)
        if self.collection == "applications" {
            routes.put("\(base)/templates/:templateId/schema", self.putTemplateSchema)
            routes.delete("\(base)/templates/:templateId/schema", self.deleteTemplateSchema)
        }
        routes.get("\(base)/jobs", self.list)
        routes.post("\(base)/jobs", self.create)
        routes.get("\(base)/jobs/:jobId", self.get)
        routes.delete("\(base)/jobs/:jobId", self.delete)
        routes.post("\(base)/jobs/:jobId/start", self.start)
        routes.post("\(base)/jobs/:jobId/pause", self.pause)
        routes.post("\(base)/jobs/:jobId/restart", self.restart)
        routes.get("\(base)/jobs/:jobId/schema", self.getSchema)
        routes.put("\(base)/jobs/:jobId/schema", self.putSchema)
        routes.delete("\(base)/jobs/:jobId/schema", self.resetSchema)
        routes.get("\(base)/jobs/:jobId/schema/filterOperators", self.filterOperators)
        routes.get("\(base)/jobs/:jobId/schema/functions", self.functions)
        routes.post("\(base)/jobs/:jobId/schema/parseExpression", self.parseExpression)
        routes.get("\(base)/jobs/:jobId/schema/directories", self.directories)
        routes.get("\(base)/jobs/:jobId/schema/directories/:directoryId", self.directory)
        routes.post("\(base)/jobs/:jobId/schema/directories/:directoryId/discover", self.discover)
        // msgraph-sdk and PowerShell generate PATCH for the schema; Graph answers it 404 (msgraph-sdk-powershell #2643).
        routes.patch("\(base)/jobs/:jobId/schema") { _, _ in
            throw GraphError(
                .notFound, code: "Request_ResourceNotFound",
                message: "The schema of a synchronization job is replaced with PUT, not updated with PATCH: send the whole schema with PUT.")
        }
        routes.post("\(base)/jobs/:jobId/provisionOnDemand", self.provisionOnDemand)
        routes.post("\(base)/jobs/:jobId/validateCredentials", self.validateCredentials)
        routes.post("\(base)/jobs/validateCredentials", self.validateCredentials)
    }

    /// `auditLogs/provisioning`, registered once.
    func addProvisioningLogRoute(to routes: GraphRoutes) {
        routes.get("auditLogs/provisioning", self.provisioningLog)
    }

    @Sendable func listTemplates(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.readSynchronization)
        return try self.services.odata(request).collection(
            SynchronizationTemplate.builtIn.map { SynchronizationJSON.template($0, applicationId: target.servicePrincipal.appId) },
            context: "\(target.contextPath)/templates")
    }

    @Sendable func getTemplate(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.readSynchronization)
        let id = try request.parameter("templateId", context)
        guard let template = SynchronizationTemplate.named(id) else { throw GraphError.notFound(id) }
        return try self.services.odata(request).entity(
            SynchronizationJSON.template(template, applicationId: target.servicePrincipal.appId), context: "\(target.contextPath)/templates/$entity")
    }

    @Sendable func getTemplateSchema(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.readSynchronization)
        let id = try request.parameter("templateId", context)
        guard let template = SynchronizationTemplate.named(id) else { throw GraphError.notFound(id) }
        let custom = try await self.services.repositories.applications.get(appId: target.servicePrincipal.appId)?.templateSchema(template.id)
        return try self.services.odata(request).entity(
            SynchronizationJSON.schema(custom ?? template.schema), context: "\(target.contextPath)/templates('\(template.id)')/schema/$entity")
    }

    /// The application's own version of a template's schema; jobs created from the template afterwards start from it.
    @Sendable func putTemplateSchema(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.writeSynchronization)
        let schema = try SynchronizationJSON.schema(reading: try await RequestBody.object(request, context: context).members)
        try await self.jobs.customizeTemplate(
            try request.parameter("templateId", context), of: target.pathId, schema: schema, directory: self.services.directory)
        return GraphResponse.noContent()
    }

    @Sendable func deleteTemplateSchema(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.writeSynchronization)
        try await self.jobs.customizeTemplate(
            try request.parameter("templateId", context), of: target.pathId, schema: nil, directory: self.services.directory)
        return GraphResponse.noContent()
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.readSynchronization)
        let jobs = try await self.services.repositories.jobs.list(servicePrincipalId: target.servicePrincipal.id)
        return try self.services.odata(request).collection(jobs.map(SynchronizationJSON.job), context: "\(target.contextPath)/jobs")
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.writeSynchronization)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["templateId"], resource: "synchronizationJob")
        let templateId = try body.requiredString("templateId")
        let application = try await self.services.repositories.applications.get(appId: target.servicePrincipal.appId)
        let custom = SynchronizationTemplate.named(templateId).flatMap { application?.templateSchema($0.id) }
        let job = try await self.jobs.create(servicePrincipalId: target.servicePrincipal.id, templateId: templateId, schema: custom)
        return try self.services.odata(request).entity(
            SynchronizationJSON.job(job), context: "\(target.contextPath)/jobs/$entity", status: .created)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (target, job) = try await self.job(request, context, GraphPolicies.readSynchronization)
        return try self.services.odata(request).entity(SynchronizationJSON.job(job), context: "\(target.contextPath)/jobs/$entity")
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        _ = try await self.services.repositories.jobs.delete(id: job.id)
        return GraphResponse.noContent()
    }

    @Sendable func start(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        _ = try await self.jobs.start(job)
        self.wake()
        return GraphResponse.noContent()
    }

    @Sendable func pause(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        _ = try await self.jobs.pause(job)
        return GraphResponse.noContent()
    }

    @Sendable func restart(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        var flags: Set<String> = []
        if request.headers[.contentLength].map({ $0 != "0" }) ?? false || request.headers[.transferEncoding] != nil {
            let body = try await RequestBody.object(request, context: context)
            try body.rejectUnknown(allowed: ["criteria"], resource: "restart")
            if let criteria = try body.object("criteria") {
                try criteria.rejectUnknown(allowed: ["resetScope"], resource: "synchronizationJobRestartCriteria")
                flags = try JobService.resetScope(parsing: try criteria.string("resetScope") ?? "")
            }
        }
        _ = try await self.jobs.restart(job, resetScope: flags)
        self.wake()
        return GraphResponse.noContent()
    }

    @Sendable func getSchema(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (target, job) = try await self.job(request, context, GraphPolicies.readSynchronization)
        return try self.services.odata(request).entity(
            SynchronizationJSON.schema(job.schema), context: "\(target.contextPath)/jobs('\(job.id)')/schema/$entity")
    }

    /// `DELETE …/schema`: back to the template's schema (204).
    @Sendable func resetSchema(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        try await self.jobs.resetSchema(of: job)
        return GraphResponse.noContent()
    }

    /// The scoping-filter operators GraphSync evaluates, as `filterOperatorSchema` items.
    @Sendable func filterOperators(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try await self.job(request, context, GraphPolicies.readSynchronization)
        let unary: Set<String> = ["ISTRUE", "ISFALSE", "ISNULL", "ISNOTNULL"]
        return try self.services.odata(request).collection(
            ScopingFilter.operatorNames.map { name in
                .object([
                    ("name", .string(name)), ("arity", .string(unary.contains(name) ? "Unary" : "Binary")),
                    ("multivaluedComparisonType", .string("Any")),
                    ("supportedAttributeTypes", JSONValue(["String", "Integer", "Reference", "Binary", "Boolean", "DateTime"])),
                ])
            }, context: "Collection(microsoft.graph.filterOperatorSchema)")
    }

    /// The mapping functions GraphSync evaluates, as `attributeMappingFunctionSchema` items.
    @Sendable func functions(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try await self.job(request, context, GraphPolicies.readSynchronization)
        return try self.services.odata(request).collection(
            AttributeMapper.functionSignatures.map { name, parameters in
                .object([
                    ("name", .string(name)),
                    ("parameters", .array((0..<max(1, parameters.lowerBound)).map { index in
                        .object([
                            ("allowMultipleOccurrences", .bool(parameters.upperBound > parameters.lowerBound && index == parameters.lowerBound - 1)),
                            ("name", .string(index == 0 ? "source" : "source\(index + 1)")), ("required", .bool(true)), ("type", .string("String")),
                        ])
                    })),
                ])
            }, context: "Collection(microsoft.graph.attributeMappingFunctionSchema)")
    }

    /// The schema's directory definitions (the source directory and the app), each with every member Graph has.
    @Sendable func directories(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (target, job) = try await self.job(request, context, GraphPolicies.readSynchronization)
        return try self.services.odata(request).collection(
            job.schema.directories.map(SynchronizationJSON.directory), context: "\(target.contextPath)/jobs('\(job.id)')/schema/directories")
    }

    @Sendable func directory(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (target, job) = try await self.job(request, context, GraphPolicies.readSynchronization)
        let directory = try self.directory(request, context, in: job)
        return try self.services.odata(request).entity(
            SynchronizationJSON.directory(directory), context: "\(target.contextPath)/jobs('\(job.id)')/schema/directories/$entity")
    }

    /// `discover`: GraphSync's directory definitions are the ones its engine reads and writes, so discovering one
    /// answers it as it is, stamped with the time of discovery (Graph answers the discovered definition, 200).
    @Sendable func discover(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        let directory = try self.directory(request, context, in: job)
        var json = SynchronizationJSON.directory(directory).objectValue ?? []
        if let index = json.firstIndex(where: { $0.0 == "discoveryDateTime" }) { json[index].1 = JSONValue(Date()) }
        return try self.services.odata(request).entity(.object(json), context: "microsoft.graph.directoryDefinition")
    }

    private func directory(_ request: Request, _ context: AuthenticatedContext, in job: SynchronizationJob) throws -> DirectoryDefinition {
        let id = try request.parameter("directoryId", context)
        guard let directory = job.schema.directories.first(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) else {
            throw GraphError.notFound(id)
        }
        return directory
    }

    /// Parses an expression as Entra's mapping editor does, and evaluates it for `testInputObject.properties` when given.
    @Sendable func parseExpression(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try await self.job(request, context, GraphPolicies.writeSynchronization)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["expression", "testInputObject", "targetAttributeDefinition"], resource: "parseExpression")
        let expression = try body.requiredString("expression")
        var values: [String: JSONValue] = [:]
        for property in try body.object("testInputObject")?.objects("properties") ?? [] {
            if let key = try property.string("key") { values[key] = property["value"] ?? .null }
        }
        let answer: [(String, JSONValue)]
        do {
            let parsed = try MappingExpression.parse(expression)
            if let problem = AttributeMapper.problem(in: parsed) { throw MappingExpression.Invalid(message: problem) }
            do {
                let result = try AttributeMapper.value(of: parsed, in: values)
                let texts: [String] = result.map { value in value.arrayValue?.compactMap(AttributeMapper.text) ?? AttributeMapper.text(value).map { [$0] } ?? [] } ?? []
                answer = [
                    ("error", .null), ("evaluationResult", JSONValue(texts)), ("evaluationSucceeded", .bool(true)),
                    ("parsedExpression", SynchronizationJSON.mappingSource(parsed)), ("parsingSucceeded", .bool(true)),
                ]
            } catch {
                // Parsed, but it has no value for this input: Graph's answer for an expression that fails to evaluate.
                answer = [
                    ("error", .object([("code", .string("EvaluationFailed")), ("message", .string(error.message)), ("target", .string("testInputObject"))])),
                    ("evaluationResult", .array([])), ("evaluationSucceeded", .bool(false)),
                    ("parsedExpression", SynchronizationJSON.mappingSource(parsed)), ("parsingSucceeded", .bool(true)),
                ]
            }
        } catch let error as MappingExpression.Invalid {
            answer = [
                ("error", .object([("code", .string("InvalidExpression")), ("message", .string(error.message)), ("target", .string("expression"))])),
                ("evaluationResult", .array([])), ("evaluationSucceeded", .bool(false)), ("parsedExpression", .null), ("parsingSucceeded", .bool(false)),
            ]
        }
        return try self.services.odata(request).entity(.object(answer), context: "microsoft.graph.parseExpressionResponse")
    }

    /// Replaces the job's schema. The body is read as Graph reads it: checked against the metadata (a wrong type or an
    /// unknown member is named), every omitted member takes its default, so the documented minimal attribute mapping
    /// (`{source: {name, type}, targetAttributeName}`) is enough.
    @Sendable func putSchema(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        let body = try await RequestBody.object(request, context: context)
        let schema = try SynchronizationJSON.schema(reading: body.members)
        try await self.jobs.replaceSchema(of: job, with: schema)
        return GraphResponse.noContent()
    }

    /// Provisions the given subjects now; answers Graph's `stringKeyStringValuePair` (`ProvisionOnDemandJSON`).
    @Sendable func provisionOnDemand(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let (_, job) = try await self.job(request, context, GraphPolicies.writeSynchronization)
        if let wait = try await self.onDemandLimit.admit(job.id) {
            var headers = HTTPFields()
            headers[.retryAfter] = String(Int(wait.rounded(.up)))
            throw GraphError(
                .tooManyRequests, code: "TooManyRequests",
                message: "provisionOnDemand is limited to \(self.onDemandLimit.limit) requests per \(Int(self.onDemandLimit.window)) seconds for a job; retry after \(Int(wait.rounded(.up))) s.",
                headers: headers)
        }
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["parameters"], resource: "provisionOnDemand")
        guard let parameters = try body.objects("parameters"), !parameters.isEmpty else {
            throw GraphError.badRequest("Property 'parameters' is required: [{\"ruleId\", \"subjects\": [{\"objectId\", \"objectTypeName\"}]}].")
        }
        for parameter in parameters {
            try parameter.rejectUnknown(allowed: ["ruleId", "subjects"], resource: "synchronizationJobApplicationParameters")
            try await self.engine.checkOnDemand(job, ruleId: try parameter.string("ruleId"))
        }
        // The whole request is checked before anything is provisioned.
        var requested: [(objectId: String, type: String)] = []
        for parameter in parameters {
            guard let given = try parameter.objects("subjects"), !given.isEmpty else {
                throw GraphError.badRequest("Each parameter needs 'subjects': [{\"objectId\", \"objectTypeName\"}].")
            }
            for subject in given {
                try subject.rejectUnknown(allowed: ["objectId", "objectTypeName", "links"], resource: "synchronizationJobSubject")
                let type = try subject.string("objectTypeName") ?? "User"
                guard ["user", "group"].contains(type.lowercased()) else {
                    throw GraphError.badRequest("objectTypeName must be 'User' or 'Group', not '\(type)'.")
                }
                requested.append((try subject.requiredString("objectId"), type))
            }
        }
        guard requested.count <= 5 else { throw GraphError.badRequest("At most 5 subjects can be provisioned on demand at once.") }
        var subjects: [ProvisionOnDemandJSON.Subject] = []
        for (objectId, type) in requested {
            let began = Date()
            let entry = try await self.engine.provisionOnDemand(job, objectId: objectId, objectType: type)
            subjects.append(.init(objectId: objectId, objectType: type, entry: entry, began: began))
        }
        let answer = ProvisionOnDemandJSON.answer(subjects) { type in job.schema.objectMapping(for: type)?.targetObjectName }
        return try self.services.odata(request).entity(answer, context: "microsoft.graph.stringKeyStringValuePair")
    }

    /// Tests the connection to the app with saved or given credentials: 204 when the app answers a SCIM query.
    @Sendable func validateCredentials(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let target = try await self.target(request, context, GraphPolicies.writeSynchronization)
        if let jobId = context.parameters.get("jobId") {
            guard let job = try await self.services.repositories.jobs.get(id: jobId), job.servicePrincipalId == target.servicePrincipal.id else { throw GraphError.notFound(jobId) }
        }
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["applicationIdentifier", "templateId", "useSavedCredentials", "credentials"], resource: "validateCredentials")
        if let templateId = try body.string("templateId"), SynchronizationTemplate.named(templateId) == nil {
            throw GraphError.badRequest("Template '\(templateId)' does not exist.")
        }
        let useSaved = try body.bool("useSavedCredentials") ?? false
        let credentials = body.has("credentials") && !useSaved ? try SecretPairs.parse(body, property: "credentials") : []
        do {
            let mayConfigureFederation = try await context.permits(
                GraphPolicies.configureFederation, objectId: target.servicePrincipal.id, owners: self.services.repositories.owners)
            try await self.engine.validateCredentials(
                servicePrincipalId: target.servicePrincipal.id, credentials: credentials, useSaved: useSaved, mayConfigureFederation: mayConfigureFederation)
        } catch let error as SCIMError {
            throw GraphError(.badRequest, code: "CredentialValidationFailed", message: "\(error.message). Check BaseAddress and the token.")
        }
        return GraphResponse.noContent()
    }

    @Sendable func provisioningLog(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let scope = try context.accessScope(GraphPolicies.readProvisioningLogs)
        let query = try ODataQuery(request)
        var jobId: String?
        for clause in query.clauses {
            guard case .equals(let field, let value) = clause, field == "jobId" else {
                throw GraphError.badRequest("Only $filter=jobId eq '…' is supported on provisioning logs.")
            }
            jobId = value
        }
        let entries = try await self.services.repositories.provisioningLog.list(jobId: jobId, top: query.top, within: scope)
        return try self.services.odata(request).collection(entries.map(SynchronizationJSON.logEntry), context: "auditLogs/provisioning")
    }

    // MARK: helpers

    private func target(_ request: Request, _ context: AuthenticatedContext, _ policy: AccessPolicy) async throws -> SynchronizationTarget {
        try await self.services.synchronizationTarget(request, context, collection: self.collection, policy: policy)
    }

    private func job(_ request: Request, _ context: AuthenticatedContext, _ policy: AccessPolicy) async throws -> (SynchronizationTarget, SynchronizationJob) {
        let target = try await self.target(request, context, policy)
        let id = try request.parameter("jobId", context)
        guard let job = try await self.services.repositories.jobs.get(id: id), job.servicePrincipalId == target.servicePrincipal.id else {
            throw GraphError.notFound(id)
        }
        return (target, job)
    }
}
