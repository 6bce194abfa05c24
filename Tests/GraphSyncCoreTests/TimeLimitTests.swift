import GraphSyncCore
import Synchronization
import Testing

/// Bounded waits: work that ignores cancellation cannot hold a caller past its limit.
@Suite struct TimeLimitTests {
    @Test func waitingForATaskThatNeverEndsGivesUpAtTheLimit() async {
        let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        // A task that ignores cancellation: it ends only when released.
        let stubborn = Task {
            await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
        }
        stubborn.cancel()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await TimeLimit.wait(for: stubborn, atMost: .milliseconds(200)) == false)
        #expect(clock.now - started < .seconds(5))
        while release.withLock({ $0 == nil }) { await Task.yield() }
        release.withLock { $0?.resume() }
        #expect(await TimeLimit.wait(for: stubborn, atMost: .seconds(5)) == true)
    }

    @Test func aFinishedTaskIsReportedAtOnce() async {
        let quick = Task {}
        #expect(await TimeLimit.wait(for: quick, atMost: .seconds(30)) == true)
    }

    /// The timer a finished wait cancels must not report the limit as passed: cancelling its sleep used to wake it at
    /// once and let it answer `false` before the task's own `true` (seen as a shutdown "still running" after 0 s).
    @Test func aFinishedTaskIsNeverReportedAsTimedOut() async {
        var timedOut = 0
        for _ in 0..<2_000 {
            let quick = Task {}
            if await TimeLimit.wait(for: quick, atMost: .seconds(30)) == false { timedOut += 1 }
        }
        #expect(timedOut == 0)
    }
}
