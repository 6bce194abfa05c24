import Foundation
import GraphSyncCore
import Hummingbird

/// Provisioning → Mappings: each object mapping's attribute mappings (source as Entra writes it — `[attribute]`, a
/// `"constant"` or an expression —, target, matching precedence, apply on create or always) and its scoping filter,
/// saved through the schema's validation with each problem shown next to its row.
struct ConsoleMappingsController {
    let console: ConsolePages
    let directory: DirectoryService
    let jobs: JobService

    /// Blank rows offered for new mappings and filter clauses.
    static let blankRows = 3

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("console/apps/:id/mappings", use: self.list)
        router.get("console/apps/:id/mappings/:index", use: self.edit)
        router.post("console/apps/:id/mappings/:index", use: self.save)
    }

    func appAndJob(_ context: AppRequestContext, _ session: ConsoleSession, write: Bool) async throws -> (ServicePrincipal, SynchronizationJob) {
        try await ConsoleAppController.appAndJob(context, session, console: self.console, write: write)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let (sp, job) = try await self.appAndJob(context, session, write: false)
            let mappings = job.schema.synchronizationRules[0].objectMappings.enumerated().map { index, mapping in
                ["index": String(index), "name": mapping.name, "enabled": mapping.enabled ? "Yes" : "No",
                 "objects": "\(mapping.sourceObjectName) → \(mapping.targetObjectName)", "count": String(mapping.attributeMappings.count)]
            }
            return self.console.render("appMappings", ["app": ConsoleAppController.appValues(sp), "mappings": mappings], session: session)
        }
    }

    func mapping(_ context: AppRequestContext, _ job: SynchronizationJob) throws -> (Int, ObjectMapping) {
        let mappings = job.schema.synchronizationRules[0].objectMappings
        guard let index = context.parameters.get("index").flatMap(Int.init), mappings.indices.contains(index) else {
            throw ConsoleFailure(heading: "Mapping not found", message: "This app has no such object mapping.", status: .notFound)
        }
        return (index, mappings[index])
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let (sp, job) = try await self.appAndJob(context, session, write: false)
            let (index, mapping) = try self.mapping(context, job)
            let rows = mapping.attributeMappings.map { attribute in
                Row(source: attribute.source.expression ?? attribute.source.name ?? "", target: attribute.targetAttributeName,
                    matching: attribute.matchingPriority > 0 ? String(attribute.matchingPriority) : "", apply: attribute.flowType)
            }
            let clauses = (mapping.scope?.groups?.first?.clauses ?? []).map {
                Clause(attribute: $0.sourceOperandName, operatorName: $0.operatorName, value: ($0.targetOperand?.values ?? []).joined(separator: ","))
            }
            let canWrite = try await self.console.permits(GraphPolicies.writeSynchronization, session, objectId: sp.id)
            return self.page(sp, index: index, mapping: mapping, rows: rows, clauses: clauses, enabled: mapping.enabled, canWrite: canWrite, session: session)
        }
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let (sp, job) = try await self.appAndJob(context, session, write: true)
            let (index, mapping) = try self.mapping(context, job)
            var rows: [Row] = []
            for i in 0..<200 {
                guard let source = form["source_\(i)"] else { break }
                var row = Row(source: source.trimmingCharacters(in: .whitespaces), target: (form["target_\(i)"] ?? "").trimmingCharacters(in: .whitespaces),
                              matching: (form["match_\(i)"] ?? "").trimmingCharacters(in: .whitespaces), apply: form["apply_\(i)"] ?? "Always")
                if form["remove_\(i)"] == "on" || (row.source.isEmpty && row.target.isEmpty) { continue }
                row.check()
                rows.append(row)
            }
            for target in Set(rows.map(\.target)) where rows.filter({ $0.target == target }).count > 1 {
                for i in rows.indices where rows[i].target == target && rows[i].error == nil { rows[i].error = "'\(target)' is mapped twice." }
            }
            var clauses: [Clause] = []
            for i in 0..<50 {
                guard let attribute = form["fattr_\(i)"] else { break }
                var clause = Clause(attribute: attribute.trimmingCharacters(in: .whitespaces), operatorName: form["fop_\(i)"] ?? "EQUALS",
                                    value: (form["fvalue_\(i)"] ?? "").trimmingCharacters(in: .whitespaces))
                if clause.attribute.isEmpty { continue }
                clause.check()
                clauses.append(clause)
            }
            let enabled = form["enabled"] == "on"
            guard rows.allSatisfy({ $0.error == nil }), clauses.allSatisfy({ $0.error == nil }) else {
                return self.page(sp, index: index, mapping: mapping, rows: rows, clauses: clauses, enabled: enabled, canWrite: true, session: session,
                                 problem: "Nothing was saved: fix the rows marked below.")
            }
            var schema = job.schema
            var changed = mapping
            changed.enabled = enabled
            // What the form does not show (default values, other flow settings) is kept from the saved mapping.
            changed.attributeMappings = rows.compactMap { row in
                guard let edited = row.mapping else { return nil }
                guard var kept = mapping.attributeMappings.first(where: { $0.targetAttributeName == edited.targetAttributeName }) else { return edited }
                kept.source = edited.source
                kept.matchingPriority = edited.matchingPriority
                kept.flowType = edited.flowType
                return kept
            }
            // The form edits the first scoping group; the others (set through Graph) stay.
            let others = Array((mapping.scope?.groups ?? []).dropFirst())
            let groups = (clauses.isEmpty ? [] : [ScopingFilter.FilterGroup(name: mapping.scope?.groups?.first?.name ?? "GraphSync console", clauses: clauses.map(\.clause))]) + others
            changed.scope = groups.isEmpty ? nil : ScopingFilter(groups: groups)
            schema.synchronizationRules[0].objectMappings[index] = changed
            try await self.jobs.replaceSchema(of: job, with: schema)
            return self.page(sp, index: index, mapping: changed, rows: rows, clauses: clauses, enabled: enabled, canWrite: true, session: session, notice: "Saved.")
        }
    }

    func page(
        _ sp: ServicePrincipal, index: Int, mapping: ObjectMapping, rows: [Row], clauses: [Clause], enabled: Bool, canWrite: Bool, session: ConsoleSession,
        notice: String? = nil, problem: String? = nil
    ) -> Response {
        let allRows = rows + Array(repeating: Row(source: "", target: "", matching: "", apply: "Always"), count: Self.blankRows)
        let allClauses = clauses + Array(repeating: Clause(attribute: "", operatorName: "EQUALS", value: ""), count: Self.blankRows)
        var values: [String: Any] = [
            "app": ConsoleAppController.appValues(sp), "editing": ["index": String(index), "name": mapping.name, "enabled": enabled,
                                                               "objects": "\(mapping.sourceObjectName) → \(mapping.targetObjectName)"],
            "rows": allRows.enumerated().map { i, row in
                ["i": String(i), "source": row.source, "target": row.target, "matching": row.matching, "always": row.apply != "ObjectAddOnly",
                 "error": row.error as Any]
            },
            "clauses": allClauses.enumerated().map { i, clause in
                ["i": String(i), "attribute": clause.attribute, "value": clause.value, "error": clause.error as Any,
                 "operators": ScopingFilter.operatorNames.map { ["name": $0, "selected": $0 == clause.operatorName.uppercased().filter { $0 != " " && $0 != "_" }] }]
            },
            "canWrite": canWrite,
        ]
        if let notice { values["notice"] = notice }
        if let problem { values["problem"] = problem }
        return self.console.render("appMappings", values, session: session, status: problem == nil ? .ok : .badRequest)
    }

    /// One attribute mapping row as typed, and what is wrong with it.
    struct Row {
        var source: String
        var target: String
        var matching: String
        var apply: String
        var error: String?
        var mapping: AttributeMapping?

        mutating func check() {
            guard !self.target.isEmpty else { return self.error = "Name the target attribute." }
            guard !self.source.isEmpty else { return self.error = "Give a source: [attribute], \"constant\" or an expression." }
            guard let priority = self.matching.isEmpty ? 0 : Int(self.matching), (0...100).contains(priority) else {
                return self.error = "Matching precedence is a number from 1 to 100 (empty: not a matching attribute)."
            }
            let parsed: AttributeMappingSource
            do { parsed = try MappingExpression.parse(self.source) } catch { return self.error = error.message }
            if let problem = AttributeMapper.problem(in: parsed) { return self.error = problem }
            self.mapping = AttributeMapping(source: parsed, target: self.target, matchingPriority: priority,
                                            flowType: self.apply == "ObjectAddOnly" ? "ObjectAddOnly" : "Always")
        }
    }

    /// One scoping filter clause as typed (several values separated by commas), and what is wrong with it.
    struct Clause {
        var attribute: String
        var operatorName: String
        var value: String
        var error: String?

        var clause: ScopingFilter.Clause {
            ScopingFilter.Clause(self.attribute, self.operatorName, self.value.isEmpty ? [] : self.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }

        mutating func check() {
            self.error = ScopingFilter(groups: [.init(clauses: [self.clause])]).problem
        }
    }
}
