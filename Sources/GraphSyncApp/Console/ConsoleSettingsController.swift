import Foundation
import GraphSyncCore
import Hummingbird

/// Provisioning → Settings (scope, out-of-scope deletions, on/off, interval) and Provision on demand (one user or
/// group now, with each step and the attributes sent), through the same services and policies as Graph.
struct ConsoleSettingsController {
    let console: ConsolePages
    let directory: DirectoryService
    let synchronization: SynchronizationService
    let jobs: JobService
    let engine: ProvisioningEngine
    let wakeScheduler: @Sendable () -> Void
    /// Shared with Graph's provisionOnDemand route: the limit is per job, whichever way it is called.
    let onDemandLimit: SharedRateLimit

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("console/apps/:id/settings", use: self.settings)
        router.post("console/apps/:id/settings", use: self.saveSettings)
        router.get("console/apps/:id/ondemand", use: self.onDemandPage)
        router.post("console/apps/:id/ondemand", use: self.onDemand)
    }

    func appAndJob(_ context: AppRequestContext, _ session: ConsoleSession, write: Bool) async throws -> (ServicePrincipal, SynchronizationJob) {
        try await ConsoleAppController.appAndJob(context, session, console: self.console, write: write)
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let (sp, job) = try await self.appAndJob(context, session, write: false)
            return try await self.renderSettings(sp, job, session: session)
        }
    }

    func renderSettings(_ sp: ServicePrincipal, _ job: SynchronizationJob, session: ConsoleSession, notice: String? = nil) async throws -> Response {
        let secrets = try await self.directory.repositories.synchronizationSecrets.secrets(of: sp.id)
        let interval = job.schedule.interval == SynchronizationJob.unsetInterval ? nil : Int(job.schedule.interval / 60)
        var values: [String: Any] = [
            "app": ConsoleAppController.appValues(sp), "syncAll": secrets[.syncAll]?.lowercased() == "true",
            "skipDeletes": secrets[.skipOutOfScopeDeletions]?.lowercased() == "true", "on": job.schedule.state == "Active",
            "interval": interval.map(String.init) ?? "", "threshold": job.deletionThreshold.map(String.init) ?? "", "canWrite": try await self.console.permits(GraphPolicies.writeSynchronization, session, objectId: sp.id),
        ]
        if let notice { values["notice"] = notice }
        return self.console.render("appSettings", values, session: session)
    }

    @Sendable func saveSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            var (sp, job) = try await self.appAndJob(context, session, write: true)
            // Everything is checked before anything is written.
            var interval: TimeInterval?
            if let text = form["interval"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let minutes = Int(text), (1...1_440).contains(minutes) else {
                    throw ConsoleFailure(heading: "Interval", message: "The provisioning interval must be between 1 minute and 24 hours (1 to 1440 minutes).")
                }
                interval = TimeInterval(minutes) * 60
            }
            // The field as sent (empty turns the prevention off); a form without it leaves the threshold alone.
            let thresholdText = form["threshold"]?.trimmingCharacters(in: .whitespaces)
            let threshold = thresholdText.flatMap { Int($0) }
            guard thresholdText == nil || thresholdText == "" || threshold.map({ (1...1_000_000).contains($0) }) == true else {
                throw ConsoleFailure(heading: "Accidental deletion threshold", message: "The threshold is a number of users from 1 to 1,000,000, or empty to turn the prevention off.")
            }
            try await self.synchronization.overlaySecrets(
                [(.syncAll, form["scope"] == "all" ? "True" : "False"), (.skipOutOfScopeDeletions, form["skipDeletes"] == "on" ? "True" : "")],
                servicePrincipalId: sp.id)
            if let interval { job = try await self.jobs.setInterval(of: job, to: interval) }
            if thresholdText != nil, threshold != job.deletionThreshold { job = try await self.jobs.setDeletionThreshold(of: job, to: threshold) }
            switch (form["status"], job.schedule.state == "Active") {
            case ("on", false): job = try await self.jobs.start(job)
            case ("off", true): job = try await self.jobs.pause(job)
            default: break
            }
            self.wakeScheduler()
            return try await self.renderSettings(sp, job, session: session, notice: "Saved.")
        }
    }

    @Sendable func onDemandPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let (sp, _) = try await self.appAndJob(context, session, write: false)
            return self.console.render("appOnDemand", ["app": ConsoleAppController.appValues(sp)], session: session)
        }
    }

    /// Provisions one user (by user principal name) or group (by name) now, as Graph's provisionOnDemand does.
    @Sendable func onDemand(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let form = try await self.console.form(request, session)
            let (sp, job) = try await self.appAndJob(context, session, write: true)
            if let wait = try await self.onDemandLimit.admit(job.id) {
                throw ConsoleFailure(heading: "Too many requests", message: "Provision on demand runs at most \(self.onDemandLimit.limit) times in \(Int(self.onDemandLimit.window)) seconds for an app; try again in \(Int(wait.rounded(.up))) s.", status: .tooManyRequests)
            }
            let name = String((form["principal"] ?? "").trimmingCharacters(in: .whitespaces).prefix(256))
            let subject = try await ConsoleAppController.principal(named: name, in: self.directory.repositories)
            try await self.engine.checkOnDemand(job, ruleId: nil)
            let began = Date()
            let entry = try await self.engine.provisionOnDemand(job, objectId: subject.id, objectType: subject.type)
            let record = ProvisionOnDemandJSON.Subject(objectId: subject.id, objectType: subject.type, entry: entry, began: began)
            let outcome = ProvisionOnDemandJSON.outcome(record)
            let steps = ProvisionOnDemandJSON.steps(record, status: outcome["result"]?.stringValue ?? "", name: entry?.sourceDisplayName ?? name, at: entry?.activityDateTime ?? Date())
            var values: [String: Any] = [
                "app": ConsoleAppController.appValues(sp), "principal": name, "result": outcome["result"]?.stringValue ?? "",
                "steps": steps.map { ["type": $0["type"]?.stringValue ?? "", "status": $0["status"]?.stringValue ?? "", "description": $0["description"]?.stringValue ?? ""] },
                "properties": (entry?.modifiedProperties ?? []).map { ["name": $0, "old": entry?.oldValues?[$0] ?? "", "new": entry?.newValues?[$0] ?? ""] },
            ]
            if let reason = outcome["details"]?["errorMessage"]?.stringValue { values["reason"] = reason }
            return self.console.render("appOnDemand", values, session: session)
        }
    }
}
