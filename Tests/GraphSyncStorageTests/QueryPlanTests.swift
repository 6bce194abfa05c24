import Foundation
import GraphSyncCore
@testable import GraphSyncStorage
import SQLKit
import Synchronization
import Testing

/// Paging queries are served in order by an index: a page costs its own rows, not a sort of the whole table. The end-of-
/// cycle pass over a job's objects sorted every row of the job for each 500-id page (quadratic: more than ten minutes
/// at a million users). Checked with each database's own plan on realistic rows.
extension RepositoryContractTests {
    @Test func aJobsObjectPagesAreServedInOrderByAnIndex() async throws {
        try await StorageFixture.withDatabase { fx in
            // Two jobs of 1,500 objects each, users and groups, most of them in the app.
            for job in ["scim.a", "scim.b"] {
                let objects = (0..<1_500).map { index in
                    var object = ProvisionedObject(jobId: job, sourceId: String(format: "%08x-0000", index * 7919 % 100_000), objectType: index % 5 == 0 ? "Group" : "User")
                    object.targetId = index % 10 == 0 ? nil : "app-\(index)"
                    object.active = object.targetId != nil
                    return object
                }
                for chunk in stride(from: 0, to: objects.count, by: 500) {
                    try await fx.repositories.provisionedObjects.save(Array(objects[chunk..<min(chunk + 500, objects.count)]))
                }
            }
            let plan = try await fx.provider.read { db in
                let page = SQLProvisionedObjectRepository.page(on: db, jobId: "scim.a", objectType: "User", inApp: true, after: "0000a000-0000", limit: 500)
                return try await Self.plan(of: page, on: db)
            }
            #expect(!plan.localizedCaseInsensitiveContains("TEMP B-TREE") && !plan.contains("Sort"), "the page is sorted, not read in order:\n\(plan)")
            #expect(plan.contains("provisioned_objects_pages"), "\(plan)")
            // And the pages themselves: every in-app user of the job once, in order.
            var seen: [String] = []
            var after: String?
            while true {
                let ids = try await fx.repositories.provisionedObjects.sourceIdsInApp(jobId: "scim.a", objectType: "User", after: after, limit: 500)
                seen += ids
                guard ids.count == 500, let last = ids.last else { break }
                after = last
            }
            #expect(seen == seen.sorted() && Set(seen).count == seen.count && seen.count == 1_200, "\(seen.count)")
        }
    }

    /// The database's plan for `query`: SQLite's `EXPLAIN QUERY PLAN`, or PostgreSQL's `EXPLAIN` with sequential scans
    /// priced out (a small table would otherwise be read whole and sorted, which says nothing about a large one).
    static func plan(of query: SQLSelectBuilder, on db: any SQLDatabase) async throws -> String {
        let explained = { (prefix: String) in SQLList([SQLRaw(prefix), query.query], separator: SQLRaw(" ")) }
        let lines = Mutex<[String]>([])
        if db.dialect.name == "postgresql" {
            try await db.execute(sql: SQLRaw("ANALYZE provisioned_objects")) { _ in }
            try await db.execute(sql: SQLRaw("SET enable_seqscan = off")) { _ in }
            try await db.execute(sql: explained("EXPLAIN")) { row in
                let line = (try? row.decode(column: "QUERY PLAN", as: String.self)) ?? ""
                lines.withLock { $0.append(line) }
            }
            try await db.execute(sql: SQLRaw("SET enable_seqscan = on")) { _ in }
        } else {
            try await db.execute(sql: explained("EXPLAIN QUERY PLAN")) { row in
                let line = (try? row.decode(column: "detail", as: String.self)) ?? ""
                lines.withLock { $0.append(line) }
            }
        }
        return lines.withLock { $0.joined(separator: "\n") }
    }
}
