import Foundation

extension GraphPolicies {
    /// GET organization: "List organization" / "Get organization" permission tables.
    public static let readOrganization = AccessPolicy(
        delegatedScopes: ["User.Read", "Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        applicationRoles: ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"])

    /// GET domains: "List domains" / "Get domain" permission tables.
    public static let readDomains = AccessPolicy(
        delegatedScopes: ["Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        applicationRoles: ["Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"])
}
