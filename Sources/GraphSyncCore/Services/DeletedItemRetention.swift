import Foundation

/// How long deleted items can be restored: Graph deletes them for good 30 days after they were deleted. A user
/// purged so is gone from the directory, and jobs then delete it in their apps (IsSoftDeleted).
public struct DeletedItemRetention: Sendable {
    /// Graph's retention: 30 days.
    public static let graphDefault: TimeInterval = 30 * 86_400
    /// Items purged per transaction, so a large backlog never holds the database for long.
    static let batchSize = 500

    let deletedItems: any DeletedItemRepository
    public let retention: TimeInterval

    public init(deletedItems: any DeletedItemRepository, retention: TimeInterval = Self.graphDefault) {
        self.deletedItems = deletedItems
        self.retention = max(1, retention)  // never a purge of what was deleted a moment ago
    }

    /// Deletes for good every item deleted more than `retention` before `now`, a batch per transaction; how many. Nodes
    /// of a cluster may run this at once: an item is deleted once, by whichever gets to it.
    public func purgeExpired(now: Date = Date()) async throws -> Int {
        let cutoff = now.addingTimeInterval(-self.retention)
        var purged = 0
        while true {
            try Task.checkCancellation()
            let batch = try await self.deletedItems.purge(deletedBefore: cutoff, limit: Self.batchSize)
            purged += batch
            if batch < Self.batchSize { return purged }
        }
    }
}
