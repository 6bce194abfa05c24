import Metrics

/// What GraphSync counts for operators, through swift-metrics: nothing is recorded until the server bootstraps a
/// backend (`serve --metrics`, Prometheus at `/metrics`; `docs/metrics.md` lists every metric). Labels take values
/// from small fixed sets (methods, statuses, actions), never ids, names or anything a caller chooses.
public enum Telemetry {
    /// A request answered: its method (HTTP's own, or `other`), route template (or `unmatched`), status and duration.
    public static func httpRequest(method: String, route: String, status: Int, seconds: Double) {
        Counter(label: "graphsync_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))]).increment()
        Timer(label: "graphsync_http_request_duration_seconds", dimensions: [("method", method), ("route", route)]).recordSeconds(seconds)
    }

    /// A provisioning cycle ended with Graph's execution `state` (`Succeeded`, `EntryLevelErrors`, `Failed`).
    public static func cycleFinished(state: String, seconds: Double) {
        Counter(label: "graphsync_provisioning_cycles_total", dimensions: [("state", state)]).increment()
        Timer(label: "graphsync_provisioning_cycle_duration_seconds").recordSeconds(seconds)
    }

    /// What a cycle did to objects in the app: one count per provisioning-log entry, by object type, action and status.
    public static func provisioningActions(_ entries: [ProvisioningLogEntry]) {
        var counts: [[String]: Int] = [:]
        for entry in entries { counts[[entry.objectType, entry.action, entry.status], default: 0] += 1 }
        for (labels, count) in counts {
            Counter(label: "graphsync_provisioning_actions_total", dimensions: [("object", labels[0]), ("action", labels[1]), ("status", labels[2])])
                .increment(by: count)
        }
    }

    /// One request to a SCIM app: its method, the app's status (`none` when no answer came) and how long it took.
    public static func scimRequest(method: String, status: Int?, seconds: Double) {
        Counter(label: "graphsync_scim_requests_total", dimensions: [("method", method), ("status", self.statusLabel(status))]).increment()
        Timer(label: "graphsync_scim_request_duration_seconds", dimensions: [("method", method)]).recordSeconds(seconds)
    }

    /// An app's status as a label: the statuses SCIM and HTTP give meaning to as they are, any other as its class
    /// (`4xx`), so an app answering odd codes cannot grow the registry; `none` when no answer came.
    static func statusLabel(_ status: Int?) -> String {
        guard let status else { return "none" }
        if Self.namedStatuses.contains(status) { return String(status) }
        return (100..<600).contains(status) ? "\(status / 100)xx" : "other"
    }

    static let namedStatuses: Set<Int> = [200, 201, 204, 400, 401, 403, 404, 405, 409, 412, 413, 422, 429, 500, 501, 502, 503, 504]

    /// One exchange with an app's OAuth token endpoint (acquireAccessToken, a refresh, client credentials): `success`,
    /// `rejected` (the endpoint answered with an error) or `unreachable`.
    public static func tokenExchange(grant: String, outcome: String) {
        Counter(label: "graphsync_token_exchanges_total", dimensions: [("grant", grant), ("outcome", outcome)]).increment()
    }

    /// Jobs this node is running now: `+1` as one starts, `-1` as it ends. (Made on each call: a metric made before the
    /// backend is bootstrapped would stay a no-op.)
    public static func runningJobs(_ change: Int) {
        let meter = Meter(label: "graphsync_provisioning_jobs_running")
        if change >= 0 { meter.increment(by: Double(change)) } else { meter.decrement(by: Double(-change)) }
    }
}

extension Timer {
    func recordSeconds(_ seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        self.recordNanoseconds(Int64(min(seconds, 86_400) * 1e9))
    }
}
