import SQLKit

extension Migration {
    /// Synchronization jobs (with a lease per job), per-object provisioning state, and the provisioning log.
    static let m0004Provisioning = Migration(version: 4, name: "provisioning") { db in
        try await db.create(table: "synchronization_jobs")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("service_principal_id", type: .text, .notNull)
            .column("next_run_at", type: .exactSeconds)
            .column("lease_owner", type: .text)
            .column("lease_until", type: .exactSeconds)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "jobs_by_service_principal").on("synchronization_jobs").column("service_principal_id").run()
        try await db.create(table: "provisioned_objects")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("job_id", type: .text, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "provisioned_objects_by_job").on("provisioned_objects").column("job_id").run()
        try await db.create(table: "provisioning_log")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("job_id", type: .text, .notNull)
            .column("activity_time", type: .exactSeconds, .notNull)
            .column("document", type: .text, .notNull).run()
        try await db.create(index: "provisioning_log_by_job").on("provisioning_log").column("job_id").run()
    }
}
