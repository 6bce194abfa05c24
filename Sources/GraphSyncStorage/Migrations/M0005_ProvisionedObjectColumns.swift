import Foundation
import GraphSyncCore
import SQLKit

extension Migration {
    /// Per-object provisioning state gets the columns a streaming cycle pages and counts by: the object type and
    /// whether the object currently exists (active) in the app.
    static let m0005ProvisionedObjectColumns = Migration(version: 5, name: "provisioned object columns") { db in
        try await db.alter(table: "provisioned_objects").column("object_type", type: .text).run()
        try await db.alter(table: "provisioned_objects").column("in_app", type: .int).run()
        for row in try await db.select().column("document").from("provisioned_objects").all() {
            let object = try DocumentTable<ProvisionedObject>.decode(row)
            try await db.update("provisioned_objects").set("object_type", to: SQLBind(object.objectType))
                .set("in_app", to: SQLBind(object.isInApp ? 1 : 0)).where("id", .equal, SQLBind(object.id)).run()
        }
        try await db.create(index: "provisioned_objects_in_app").on("provisioned_objects").column("job_id").column("object_type").column("in_app").run()
    }
}
