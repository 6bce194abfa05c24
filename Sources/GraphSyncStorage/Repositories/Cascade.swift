import Foundation
import SQLKit

/// What goes with a deleted principal: its ownerships, every grant it gives or holds, and its synchronization (secrets,
/// jobs and the per-object provisioning state). The provisioning log stays, as an audit trail.
enum Cascade {
    static func removePrincipal(_ id: String, on db: any SQLDatabase) async throws {
        try await db.delete(from: "owners").where("object_id", .equal, SQLBind(id)).orWhere("owner_id", .equal, SQLBind(id)).run()
        try await db.delete(from: "app_role_assignments").where("principal_id", .equal, SQLBind(id))
            .orWhere("resource_id", .equal, SQLBind(id)).run()
        try await db.delete(from: "permission_grants").where("client_id", .equal, SQLBind(id))
            .orWhere("resource_id", .equal, SQLBind(id)).orWhere("principal_id", .equal, SQLBind(id)).run()
        try await db.delete(from: "role_assignments").where("principal_id", .equal, SQLBind(id)).run()
        try await db.delete(from: "group_members").where("member_id", .equal, SQLBind(id)).orWhere("group_id", .equal, SQLBind(id)).run()
        try await db.delete(from: "synchronization_secrets").where("service_principal_id", .equal, SQLBind(id)).run()
        try await db.delete(from: "provisioned_objects")
            .where(SQLQueryString("job_id IN (SELECT id FROM synchronization_jobs WHERE service_principal_id = \(bind: id))")).run()
        try await db.delete(from: "synchronization_jobs").where("service_principal_id", .equal, SQLBind(id)).run()
    }
}
