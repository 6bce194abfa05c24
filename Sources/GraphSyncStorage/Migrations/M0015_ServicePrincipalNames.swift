import Foundation
import GraphSyncCore
import SQLKit

extension Migration {
    /// Each service principal's `servicePrincipalNames`, one lowercased row per name, for
    /// `$filter=servicePrincipalNames/any(c:c eq '…')` (Azure CLI's `az ad sp` commands); filled from the stored documents.
    static let m0015ServicePrincipalNames = Migration(version: 15, name: "service principal names") { db in
        try await db.create(table: "service_principal_names")
            .column("object_id", type: .text, .notNull)
            .column("value", type: .text, .notNull)
            .primaryKey("object_id", "value").run()
        try await db.create(index: "service_principal_names_value").on("service_principal_names").column("value").run()
        let existing = try await db.select().column("id").column("document").from("service_principals").all()
            .map { try DocumentTable<ServicePrincipal>.decode($0) }
        try await Tables.servicePrincipals.collection?.replace(for: existing, id: \.id, on: db)
    }
}
