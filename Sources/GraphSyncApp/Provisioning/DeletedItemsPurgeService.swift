import Foundation
import GraphSyncCore
import Logging
import ServiceLifecycle

/// Deletes for good the deleted items past their retention, at start and then every tenth of the retention (at most
/// hourly), as Graph does after 30 days. Every node sweeps; each item is deleted once.
struct DeletedItemsPurgeService: Service {
    let retention: DeletedItemRetention
    let logger: Logger

    /// Time between sweeps: a tenth of the retention, between 1 second and 1 hour.
    var interval: Duration { .clamped(seconds: max(1, self.retention.retention / 10), maximum: 3_600) }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let purged = try await self.retention.purgeExpired()
                    if purged > 0 { self.logger.info("deleted items purged after their retention", metadata: ["count": "\(purged)"]) }
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.warning("purging expired deleted items failed; trying again later", metadata: ["error": "\(error)"])
                }
                guard (try? await Task.sleep(for: self.interval)) != nil else { return }
            }
        }
    }
}
