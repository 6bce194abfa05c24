import Foundation
import GraphSyncCore
import Hummingbird

/// An enterprise app's Overview (the job's state, live progress, Start / Stop / Restart) and Users and groups
/// (assign, remove), acting through the same Core services and Graph policies as the Graph routes.
struct ConsoleAppController {
    let console: ConsolePages
    let directory: DirectoryService
    let jobs: JobService
    let wakeScheduler: @Sendable () -> Void

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("console/apps/:id", use: self.overview)
        router.get("console/apps/:id/progress", use: self.progress)
        router.post("console/apps/:id/job", use: self.jobAction)
        router.get("console/apps/:id/users", use: self.users)
        router.post("console/apps/:id/users", use: self.assign)
        router.post("console/apps/:id/users/remove", use: self.unassign)
    }

    /// The app the path names, readable by the session's caller.
    static func app(_ context: AppRequestContext, _ session: ConsoleSession, console: ConsolePages) async throws -> ServicePrincipal {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let sp = try await console.signIn.repositories.servicePrincipals.get(id: id) else {
            throw ConsoleFailure(heading: "Application not found", message: "No enterprise application has the id '\(id.prefix(64))'.", status: .notFound)
        }
        try await console.demand(GraphPolicies.readApplications, session, objectId: sp.id)
        return sp
    }

    /// The app and its provisioning job, for a caller who may read (or, with `write`, change) its synchronization.
    static func appAndJob(_ context: AppRequestContext, _ session: ConsoleSession, console: ConsolePages, write: Bool) async throws
        -> (ServicePrincipal, SynchronizationJob)
    {
        let sp = try await Self.app(context, session, console: console)
        try await console.demand(write ? GraphPolicies.writeSynchronization : GraphPolicies.readSynchronization, session, objectId: sp.id)
        guard let job = try await console.signIn.repositories.jobs.list(servicePrincipalId: sp.id).first, !job.schema.synchronizationRules.isEmpty else {
            throw ConsoleFailure(heading: "Provisioning is not set up", message: "Save the app's admin credentials on the Provisioning page first.")
        }
        return (sp, job)
    }

    /// A user by user principal name or object id, or a group by object id or by a name no other group has.
    static func principal(named name: String, in repositories: Repositories) async throws -> (id: String, type: String) {
        if let user = try await repositories.users.get(userPrincipalName: name) { return (user.id, "User") }
        if UUID(uuidString: name) != nil {
            if let user = try await repositories.users.get(id: name) { return (user.id, "User") }
            if let group = try await repositories.groups.get(id: name) { return (group.id, "Group") }
        }
        let groups = try await repositories.groups.list(DirectoryQuery(clauses: [.equals(field: "displayName", value: name)], top: 2)).items
        guard let group = groups.first else {
            throw ConsoleFailure(heading: "Nobody by that name", message: "No user has the user principal name '\(name)', and no group has that name or id.")
        }
        guard groups.count == 1 else {
            throw ConsoleFailure(heading: "Several groups have that name", message: "More than one group is named '\(name)': give the group's object id instead.")
        }
        return (group.id, "Group")
    }

    static func appValues(_ sp: ServicePrincipal) -> [String: String] { ["id": sp.id, "displayName": sp.displayName] }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let sp = try await Self.app(context, session, console: self.console)
            var values: [String: Any] = ["app": Self.appValues(sp)]
            let mayRead = try await self.console.permits(GraphPolicies.readSynchronization, session, objectId: sp.id)
            if !mayRead { values["noAccess"] = GraphError.forbidden(GraphPolicies.readSynchronization, session.caller).message }
            if mayRead, let job = try await self.directory.repositories.jobs.list(servicePrincipalId: sp.id).first {
                var summary = Self.summary(job)
                summary["canWrite"] = try await self.console.permits(GraphPolicies.writeSynchronization, session, objectId: sp.id)
                values["job"] = summary
            }
            let nonce = SignInHandle.new(byteCount: 16)
            values["scriptNonce"] = nonce
            return self.console.render("appOverview", values, session: session, scriptNonce: nonce)
        }
    }

    /// The current cycle's progress, polled by the Overview page every two seconds.
    @Sendable func progress(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = try await self.console.session(request) else { return Response(status: .unauthorized) }
        let sp = try await Self.app(context, session, console: self.console)
        try await self.console.demand(GraphPolicies.readSynchronization, session, objectId: sp.id)
        guard let job = try await self.directory.repositories.jobs.list(servicePrincipalId: sp.id).first else { return Response(status: .notFound) }
        let summary = Self.summary(job)
        var response = try GraphResponse.json(.object([
            ("state", .string(summary["state"] as? String ?? "")), ("code", .string(job.status.code)),
            ("done", .number(Double(summary["done"] as? Int ?? 0))), ("total", .number(Double(summary["total"] as? Int ?? 0))),
            ("text", .string(summary["progressText"] as? String ?? "")), ("lastCycle", JSONValue(summary["lastCycle"] as? String)),
        ]))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// What the Overview shows of a job.
    static func summary(_ job: SynchronizationJob) -> [String: Any] {
        let progress = job.status.progress.first
        let done = progress?.completedUnits ?? 0
        let total = progress?.totalUnits ?? 0
        let running = job.status.code == "Active" && progress != nil && done < total
        var values: [String: Any] = [
            "state": ConsoleJobText.state(job), "code": job.status.code, "done": done, "total": max(total, 1),
            "progressText": running ? "Cycle in progress: \(done) of \(total) \(progress?.units ?? "objects")" : "No cycle is running.",
            "counts": job.status.synchronizedEntryCountByType.sorted { $0.key < $1.key }.map { ["type": $0.key, "count": $0.value] },
        ]
        if let last = job.status.lastExecution {
            values["lastCycle"] = "\(last.state) at \(last.timeEnded.formatted(.iso8601)): \(last.countImported) imported, \(last.countExported) exported, \(last.countEscrowed) in escrow"
                + (last.error.map { " — \($0.message)" } ?? "")
        }
        if let quarantine = job.status.quarantine {
            values["quarantine"] = "\(quarantine.reason): \(quarantine.error?.message ?? "the app kept failing"). Fix the admin credentials or the app, then restart provisioning; GraphSync retries on its own at \(quarantine.nextAttempt.formatted(.iso8601))."
        }
        return values
    }

    @Sendable func jobAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let (sp, job) = try await Self.appAndJob(context, session, console: self.console, write: true)
            switch form["action"] {
            case "start": _ = try await self.jobs.start(job)
            case "pause": _ = try await self.jobs.pause(job)
            case "restart":
                var scope: Set<String> = form["reset"] == "Full" ? ["Full"] : []
                if form["force"] == "ForceDeletes" { scope.insert("ForceDeletes") }
                _ = try await self.jobs.restart(job, resetScope: scope)
            default: throw ConsoleFailure(heading: "Unknown action", message: "Choose Start, Stop or Restart.")
            }
            self.wakeScheduler()
            return ConsolePages.redirect("/console/apps/\(sp.id)")
        }
    }

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let sp = try await Self.app(context, session, console: self.console)
            try await self.console.demand(GraphPolicies.readGrants, session, objectId: sp.id)
            let assignments = try await self.directory.repositories.appRoleAssignments.list(resourceId: sp.id).map {
                ["id": $0.id, "name": $0.principalDisplayName ?? $0.principalId, "type": $0.principalType.rawValue]
            }
            let canWrite = GraphPolicies.manageAppRoleAssignments.evaluate(session.caller) == .allowed
            return self.console.render("appUsers", ["app": Self.appValues(sp), "assignments": assignments, "canWrite": canWrite], session: session)
        }
    }

    /// Assigns a user (by user principal name) or a group (by display name) to the app's default access role.
    @Sendable func assign(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let sp = try await Self.app(context, session, console: self.console)
            try await self.console.demand(GraphPolicies.manageAppRoleAssignments, session, objectId: sp.id)
            let name = String((form["principal"] ?? "").trimmingCharacters(in: .whitespaces).prefix(256))
            let principal = try await Self.principal(named: name, in: self.directory.repositories)
            _ = try await self.directory.assignAppRole(principalId: principal.id, resourceId: sp.id, appRoleId: WellKnown.defaultAccessAppRoleId)
            return ConsolePages.redirect("/console/apps/\(sp.id)/users")
        }
    }

    @Sendable func unassign(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let sp = try await Self.app(context, session, console: self.console)
            try await self.console.demand(GraphPolicies.manageAppRoleAssignments, session, objectId: sp.id)
            let repositories = self.directory.repositories
            guard let assignment = try await repositories.appRoleAssignments.get(id: form["assignment"] ?? ""), assignment.resourceId == sp.id else {
                throw ConsoleFailure(heading: "Assignment not found", message: "That assignment no longer exists.", status: .notFound)
            }
            _ = try await repositories.appRoleAssignments.delete(id: assignment.id)
            return ConsolePages.redirect("/console/apps/\(sp.id)/users")
        }
    }
}
