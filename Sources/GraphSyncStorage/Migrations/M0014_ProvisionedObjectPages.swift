import SQLKit

extension Migration {
    /// A job's objects of one type, in or out of the app, in id order: the index that serves the end-of-cycle pages
    /// (`id > after ORDER BY id LIMIT n`). The index it replaces had no `id`, so each page sorted every row of the job
    /// (quadratic in the job's size: more than 10 minutes at a million users).
    static let m0014ProvisionedObjectPages = Migration(version: 14, name: "provisioned object pages") { db in
        try await db.create(index: "provisioned_objects_pages").on("provisioned_objects")
            .column("job_id").column("object_type").column("in_app").column("id").run()
        try await db.drop(index: "provisioned_objects_in_app").run()
    }
}
