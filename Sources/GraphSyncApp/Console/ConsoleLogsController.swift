import Foundation
import GraphSyncCore
import Hummingbird

/// Provisioning logs: filtered by identity, action and status, with each entry's modified properties, and the CSV
/// download as Entra's three files (the events, their modified properties, their steps).
struct ConsoleLogsController {
    let console: ConsolePages
    let directory: DirectoryService

    static let actions = ["Create", "Update", "Disable", "Delete", "Match", "Skip"]
    static let statuses = ["success", "failure", "skipped"]
    /// The date filter's choices, as Entra offers them: hours back (0: any time).
    static let periods: [(name: String, hours: Int)] = [("Last 24 hours", 24), ("Last 7 days", 168), ("Last 30 days", 720), ("Any time", 0)]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("console/apps/:id/logs", use: self.logs)
        router.get("console/apps/:id/logs.csv", use: self.csv)
    }

    /// The app's entries the session may read, newest first, filtered as the query asks.
    func entries(_ request: Request, _ context: AppRequestContext, _ session: ConsoleSession) async throws -> (ServicePrincipal, [ProvisioningLogEntry]) {
        let sp = try await ConsoleAppController.app(context, session, console: self.console)
        let scope = try self.console.accessScope(GraphPolicies.readProvisioningLogs, session)
        let query = request.uri.queryParameters
        let identity = (query["identity"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let action = query["action"].map(String.init) ?? ""
        let status = query["status"].map(String.init) ?? ""
        let hours = query["since"].flatMap { Int($0) }.flatMap { hours in Self.periods.first { $0.hours == hours }?.hours } ?? 0
        let since = hours == 0 ? Date.distantPast : Date().addingTimeInterval(-TimeInterval(hours) * 3600)
        var entries: [ProvisioningLogEntry] = []
        for job in try await self.directory.repositories.jobs.list(servicePrincipalId: sp.id) {
            entries += try await self.directory.repositories.provisioningLog.list(jobId: job.id, top: 1_000, within: scope)
        }
        entries = entries.filter { entry in
            (identity.isEmpty || entry.sourceId == identity || (entry.sourceDisplayName ?? "").localizedCaseInsensitiveContains(identity) || entry.targetId == identity)
                && (action.isEmpty || entry.action == action) && (status.isEmpty || entry.status == status) && entry.activityDateTime >= since
        }
        return (sp, entries.sorted { $0.activityDateTime > $1.activityDateTime })
    }

    /// An entry's steps (import, matching, scoping, export) as the Graph record lists them.
    static func steps(_ entry: ProvisioningLogEntry) -> [(type: String, status: String, description: String)] {
        let status = entry.status == "success" ? "Success" : entry.status == "skipped" ? "Skipped" : "Failure"
        let subject = ProvisionOnDemandJSON.Subject(objectId: entry.sourceId, objectType: entry.objectType, entry: entry, began: entry.activityDateTime)
        return ProvisionOnDemandJSON.steps(subject, status: status, name: entry.sourceDisplayName ?? entry.sourceId, at: entry.activityDateTime).map {
            ($0["type"]?.stringValue ?? "", $0["status"]?.stringValue ?? "", $0["description"]?.stringValue ?? "")
        }
    }

    @Sendable func logs(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let (sp, entries) = try await self.entries(request, context, session)
            let query = request.uri.queryParameters
            let rows: [[String: Any]] = entries.prefix(200).map { entry in
                [
                    "date": entry.activityDateTime.formatted(.iso8601), "identity": entry.sourceDisplayName ?? entry.sourceId, "action": entry.action,
                    "status": entry.status, "statusClass": entry.status == "failure" ? "error" : "ok", "detail": entry.detail as Any,
                    "properties": entry.modifiedProperties.map { ["name": $0, "old": entry.oldValues?[$0] ?? "", "new": entry.newValues?[$0] ?? ""] },
                    "steps": Self.steps(entry).map { ["type": $0.type, "status": $0.status, "description": $0.description] },
                ]
            }
            let action = query["action"].map(String.init) ?? ""
            let status = query["status"].map(String.init) ?? ""
            return self.console.render("appLogs", [
                "app": ConsoleAppController.appValues(sp), "entries": rows, "identity": query["identity"].map(String.init) ?? "",
                "actions": Self.actions.map { ["name": $0, "selected": $0 == action] }, "statuses": Self.statuses.map { ["name": $0, "selected": $0 == status] },
                "periods": Self.periods.map { ["name": $0.name, "value": String($0.hours), "selected": String($0.hours) == (query["since"].map(String.init) ?? "0")] },
                "filtered": !(query["identity"] ?? "").isEmpty || !action.isEmpty || !status.isEmpty || (query["since"].flatMap { Int($0) } ?? 0) != 0,
            ], session: session)
        }
    }

    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.console.signedIn(request) { session in
            let (sp, entries) = try await self.entries(request, context, session)
            let file = request.uri.queryParameters["file"].map(String.init) ?? "summary"
            let rows: [[String]]
            switch file {
            case "modifiedProperties":
                rows = [["Change ID", "Attribute", "Old value", "New value"]] + entries.flatMap { entry in
                    entry.modifiedProperties.map { [entry.id, $0, entry.oldValues?[$0] ?? "", entry.newValues?[$0] ?? ""] }
                }
            case "steps":
                rows = [["Change ID", "Step", "Status", "Description"]] + entries.flatMap { entry in
                    Self.steps(entry).map { [entry.id, $0.type, $0.status, $0.description] }
                }
            default:
                rows = [["Date (UTC)", "Change ID", "Job ID", "Identity", "Source ID", "Target ID", "Action", "Status", "Reason"]] + entries.map {
                    [$0.activityDateTime.formatted(.iso8601), $0.id, $0.jobId, $0.sourceDisplayName ?? "", $0.sourceId, $0.targetId ?? "", $0.action, $0.status, $0.detail ?? ""]
                }
            }
            let name = ["modifiedProperties": "ModifiedProperties", "steps": "ProvisioningSteps"][file] ?? "ProvisioningLogs"
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: rows.map(Self.csvLine).joined(separator: "\r\n") + "\r\n")))
            response.headers[.contentType] = "text/csv; charset=utf-8"
            response.headers[.contentDisposition] = "attachment; filename=\"\(name)-\(sp.id).csv\""
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// One RFC 4180 line; a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is prefixed with `'`.
    static func csvLine(_ cells: [String]) -> String {
        cells.map { cell in
            var text = cell
            if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
            return text.contains(where: { ",\"\r\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }.joined(separator: ",")
    }
}
