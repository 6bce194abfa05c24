import ArgumentParser
import Foundation
import GraphSyncApp
import GraphSyncCore
import GraphSyncStorage
import Logging
import SQLKit

/// Times the end-of-cycle pass over a job's objects (`sourceIdsInApp`, 500 ids a page, as the engine reads it) on N
/// provisioned objects, with today's index and then with the index before migration 14 (no `id`, so each page sorts
/// the job's rows): a ratio measured in one run, on one database.
struct PagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pages", abstract: "Time the paging pass over a job's provisioned objects.")

    @OptionGroup var store: BenchStoreOptions
    @Option var count = 100_000

    func run() async throws {
        var logger = Logger(label: "bench-pages")
        logger.logLevel = .error
        let runtime = try await GraphSyncRuntime.open(self.store.configuration(), logger: logger)
        let jobId = "scim.bench\(UUID().uuidString.prefix(8).lowercased())"
        var batch: [ProvisionedObject] = []
        for index in 0..<self.count {
            var object = ProvisionedObject(jobId: jobId, sourceId: Identifiers.objectId(), objectType: "User")
            object.targetId = "app-\(index)"
            object.active = true
            batch.append(object)
            if batch.count == 1_000 || index == self.count - 1 {
                try await runtime.repositories.provisionedObjects.save(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardError.write(Data("seeded \(self.count) objects\n".utf8))
        let indexed = try await self.pass(runtime, jobId: jobId)
        print(String(format: "pages with provisioned_objects_pages (job, type, in_app, id): %.3f s", indexed))
        try await runtime.database.write { db in
            try await db.drop(index: "provisioned_objects_pages").run()
            try await db.create(index: "provisioned_objects_in_app").on("provisioned_objects").column("job_id").column("object_type").column("in_app").run()
        }
        let sorted = try await self.pass(runtime, jobId: jobId)
        print(String(format: "pages with the index before migration 14 (job, type, in_app): %.3f s (%.1f× slower)", sorted, sorted / max(indexed, 1e-9)))
        try await runtime.database.write { db in
            try await db.drop(index: "provisioned_objects_in_app").run()
            try await db.create(index: "provisioned_objects_pages").on("provisioned_objects")
                .column("job_id").column("object_type").column("in_app").column("id").run()
        }
        try await runtime.close()
    }

    /// Seconds for one pass over every page.
    func pass(_ runtime: GraphSyncRuntime, jobId: String) async throws -> Double {
        let started = ContinuousClock.now
        var after: String?
        var seen = 0
        while true {
            let page = try await runtime.repositories.provisionedObjects.sourceIdsInApp(jobId: jobId, objectType: "User", after: after, limit: 500)
            seen += page.count
            guard page.count == 500, let last = page.last else { break }
            after = last
        }
        precondition(seen == self.count, "the pass saw \(seen) of \(self.count) objects")
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
