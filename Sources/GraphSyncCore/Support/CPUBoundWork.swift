import Dispatch
import Foundation
import Synchronization

/// Runs CPU-heavy synchronous work (password stretching) off Swift's cooperative thread pool, on one serial queue per
/// core, so a burst of sign-ins queues there instead of starving the tasks that serve every other request.
public enum CPUBoundWork {
    private static let queues = (0..<max(1, ProcessInfo.processInfo.activeProcessorCount)).map {
        DispatchQueue(label: "graphsync.cpu-bound.\($0)", qos: .userInitiated)
    }
    private static let next = Atomic<Int>(0)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        let index = self.next.add(1, ordering: .relaxed).newValue & Int.max
        return await withCheckedContinuation { continuation in
            self.queues[index % self.queues.count].async { continuation.resume(returning: work()) }
        }
    }
}
