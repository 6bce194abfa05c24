import SQLKit

extension Migration {
    /// The nodes whose schedulers share the jobs: each reports in on every look for work, with its free job slots, so
    /// the others can count the live nodes and spread the jobs fairly.
    static let m0006SchedulerNodes = Migration(version: 6, name: "scheduler nodes") { db in
        try await db.create(table: "scheduler_nodes")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("host", type: .text, .notNull)
            .column("free_slots", type: .int, .notNull)
            .column("seen_at", type: .exactSeconds, .notNull).run()
        try await db.create(index: "synchronization_jobs_due").on("synchronization_jobs").column("next_run_at").run()
    }
}
