import Synchronization
/// Runs work under a wall-clock limit: the work is cancelled when the limit passes first.
public enum TimeLimit {
    /// The limit passed before the work finished.
    public struct Exceeded: Error, Sendable, Equatable {
        public var limit: Duration
    }

    /// `operation`'s result, or `Exceeded` once `limit` has passed (the operation is cancelled, and awaited).
    public static func run<T: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded(limit: limit) }
            return value
        }
    }

    /// Waits for `task` to finish, at most `limit`; false when it had not (it goes on, unawaited). Unlike `run`, this
    /// never waits for work that ignores cancellation.
    public static func wait(for task: Task<Void, Never>, atMost limit: Duration) async -> Bool {
        let resumed = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let finish: @Sendable (Bool) -> Void = { finished in
                let first = resumed.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: finished) }
            }
            let timer = Task {
                // Only a sleep that ran its course is a timeout: a cancelled one means the task finished first.
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                finish(false)
            }
            Task {
                await task.value
                finish(true)
                timer.cancel()
            }
        }
    }
}
