import Foundation

extension DirectoryService {
    /// `instantiate`: registers an application from `template` and creates its service principal, in one transaction,
    /// both carrying `applicationTemplateId` (Graph answers them together as an `applicationServicePrincipal`). The
    /// caller becomes the first owner of both, as when it creates them one by one.
    public func instantiate(
        _ template: ApplicationTemplate, displayName: String, serviceManagementReference: String? = nil, owner: DirectoryObjectSummary?,
        within scope: AccessScope = .everything
    ) async throws -> (Application, ServicePrincipal) {
        try await self.repositories.transaction { tx in
            let directory = self.within(tx)
            var draft = Application(
                id: Identifiers.objectId(), appId: Identifiers.objectId(), displayName: displayName, createdDateTime: Date(),
                appRoles: template.appRoles)
            draft.properties["applicationTemplateId"] = .string(template.id)
            if let serviceManagementReference { draft.properties["serviceManagementReference"] = .string(serviceManagementReference) }
            let application = try await directory.createApplication(draft, owner: owner, within: scope)
            let servicePrincipal = try await directory.createServicePrincipal(
                appId: application.appId,
                overrides: { sp in
                    sp.properties["applicationTemplateId"] = .string(template.id)
                    sp.tags = ["WindowsAzureActiveDirectoryIntegratedApp"]
                },
                owner: owner, within: scope)
            return (application, servicePrincipal)
        }
    }
}
