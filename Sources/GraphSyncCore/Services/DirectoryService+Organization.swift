import Foundation

/// A domain of the tenant (`domain`): GraphSync has one, the tenant's default, verified and managed.
public struct TenantDomain: Sendable, Hashable {
    public var name: String
    public var isDefault: Bool
    public var isInitial: Bool
    public var isVerified: Bool
    /// `Managed`: the directory itself authenticates users of the domain.
    public var authenticationType: String
    public var supportedServices: [String]
}

extension DirectoryService {
    /// The tenant's domains.
    public func domains() -> [TenantDomain] {
        [TenantDomain(
            name: self.tenant.defaultDomain, isDefault: true, isInitial: true, isVerified: true, authenticationType: "Managed",
            supportedServices: ["Email", "OfficeCommunicationsOnline"])]
    }

    /// The domain named `name` (case-insensitive), or `notFound`.
    public func domain(named name: String) throws -> TenantDomain {
        guard let domain = self.domains().first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw DirectoryError.notFound(id: name)
        }
        return domain
    }

    /// Checks that `id` is this tenant's organization id.
    public func organization(id: String) throws -> Tenant {
        guard id.caseInsensitiveCompare(self.tenant.id) == .orderedSame else { throw DirectoryError.notFound(id: id) }
        return self.tenant
    }
}
