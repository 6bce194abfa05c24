import Foundation
import GraphSyncCore

extension ProtocolChecks {
    /// Microsoft asks gallery apps to sustain 25 requests per second per tenant.
    static let rateCheck = ("rate.sustained", "the app sustains 25 requests per second (50 userName queries paced over 2 s)")
    static let paced = (requests: 50, spacing: Duration.milliseconds(40))

    /// Sends 50 `userName eq` queries (Entra's commonest request) paced at 25 per second, several in flight when the
    /// app is slow, as Entra's engine does; every one must answer 200, and the last within a second of being sent.
    func runRateCheck() async {
        await self.run.check(Self.rateCheck.0, Self.rateCheck.1) {
            let probe = self.probe
            let clock = ContinuousClock()
            let start = clock.now
            let outcomes = await withTaskGroup(of: (status: Int?, latency: Duration).self) { group in
                for index in 0..<Self.paced.requests {
                    group.addTask {
                        try? await clock.sleep(until: start + Self.paced.spacing * index)
                        let sent = clock.now
                        let status = try? await probe.filter("Users", "userName", UUID().uuidString.lowercased()).status
                        return (status, clock.now - sent)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = clock.now - start
            let answered = outcomes.filter { $0.status == 200 }.count
            let throttled = outcomes.filter { $0.status == 429 }.count
            let failed = outcomes.count - answered - throttled
            let slowest = outcomes.map(\.latency).max() ?? .zero
            try Expect.that(
                answered == outcomes.count,
                answered: "\(answered) of \(outcomes.count) queries with 200 (\(throttled) with 429, \(failed) with another status or none)",
                expected: "every query answered: gallery apps must sustain 25 requests per second per tenant")
            let rate = Double(outcomes.count) / max(elapsed.inSeconds, 0.001)
            try Expect.that(
                slowest <= .seconds(1),
                answered: "the 50 queries in \(String(format: "%.1f", elapsed.inSeconds)) s (\(String(format: "%.0f", rate))/s), the slowest in \(String(format: "%.2f", slowest.inSeconds)) s",
                expected: "25 requests per second, each answered within a second")
        }
    }
}
