import SQLKit

extension Migration {
    /// Applications and service principals are filtered by the template they were instantiated from
    /// (`$filter=applicationTemplateId eq '…'`, as Terraform's provider finds an instantiated app).
    static let m0008ApplicationTemplateColumns = Migration(version: 8, name: "application template columns") { db in
        try await db.alter(table: "applications").column("application_template_id", type: .text).run()
        try await db.alter(table: "service_principals").column("application_template_id", type: .text).run()
    }
}
