import Foundation

extension DirectoryService {
    /// Refuses a change through Graph to one of GraphSync's own registrations, the console's and the bootstrap admin
    /// app's (application and service principal), or to Microsoft Graph's service principal, as Entra protects
    /// first-party apps: an added redirect URI, secret, owner or public client flow would be a way into the authority. GraphSync's start-up writes them through the repositories.
    public func refuseChangeToBuiltIn(appId: String) async throws {
        let bootstrapAppId = try await self.repositories.tenants.tenant()?.bootstrapAppId
        let appId = appId.lowercased()
        guard appId == WellKnown.consoleAppId || appId == bootstrapAppId?.lowercased() || appId == WellKnown.graphAppId else { return }
        let name = switch appId {
        case WellKnown.consoleAppId: "The GraphSync Console"
        case WellKnown.graphAppId: "Microsoft Graph"
        default: "The GraphSync Admin application"
        }
        throw DirectoryError.forbidden(
            "\(name) (\(appId)) is built into GraphSync and cannot be changed through Graph; GraphSync maintains its registration at start-up (`graphsync init` rotates the admin application's secret).")
    }

    /// As `refuseChangeToBuiltIn(appId:)`, for an object named by id (owners are changed on applications, service
    /// principals and groups alike).
    public func refuseChangeToBuiltIn(objectId: String) async throws {
        if let application = try await self.repositories.applications.get(id: objectId) {
            try await self.refuseChangeToBuiltIn(appId: application.appId)
        } else if let servicePrincipal = try await self.repositories.servicePrincipals.get(id: objectId) {
            try await self.refuseChangeToBuiltIn(appId: servicePrincipal.appId)
        }
    }

    /// Deletes an application (and its dependants), unless it is built in.
    public func deleteApplication(_ application: Application) async throws {
        try await self.refuseChangeToBuiltIn(appId: application.appId)
        _ = try await self.repositories.applications.delete(id: application.id)
    }

    /// Deletes a service principal (and its dependants), unless it is built in.
    public func deleteServicePrincipal(_ servicePrincipal: ServicePrincipal) async throws {
        try await self.refuseChangeToBuiltIn(appId: servicePrincipal.appId)
        _ = try await self.repositories.servicePrincipals.delete(id: servicePrincipal.id)
    }
}
