import Foundation
import GraphSyncCore

/// Graph shapes of `organization` and `domain` (v1.0 properties; what GraphSync has no value for is null or empty).
enum OrganizationJSON {
    static func organization(_ tenant: Tenant, domains: [TenantDomain]) -> JSONValue {
        let verified = domains.filter(\.isVerified).map { domain -> JSONValue in
            .object([
                ("capabilities", .string("Email, OfficeCommunicationsOnline")), ("isDefault", .bool(domain.isDefault)),
                ("isInitial", .bool(domain.isInitial)), ("name", .string(domain.name)), ("type", .string(domain.authenticationType)),
            ])
        }
        let empty: JSONValue = .array([])
        return .object([
            ("id", .string(tenant.id)), ("deletedDateTime", .null), ("assignedPlans", empty), ("businessPhones", empty), ("city", .null),
            ("country", .null), ("countryLetterCode", .null), ("createdDateTime", .null), ("defaultUsageLocation", .null),
            ("displayName", .string(tenant.displayName)), ("isMultipleDataLocationsForServicesEnabled", .null),
            ("marketingNotificationEmails", empty), ("onPremisesLastSyncDateTime", .null), ("onPremisesSyncEnabled", .null),
            ("partnerTenantType", .null), ("postalCode", .null), ("preferredLanguage", .null), ("privacyProfile", .null),
            ("provisionedPlans", empty), ("securityComplianceNotificationMails", empty), ("securityComplianceNotificationPhones", empty),
            ("state", .null), ("street", .null), ("technicalNotificationMails", empty), ("tenantType", .string("AAD")),
            ("directorySizeQuota", .null), ("verifiedDomains", .array(verified)),
        ])
    }

    static func domain(_ domain: TenantDomain) -> JSONValue {
        .object([
            ("id", .string(domain.name)), ("authenticationType", .string(domain.authenticationType)), ("availabilityStatus", .null),
            ("isAdminManaged", .bool(true)), ("isDefault", .bool(domain.isDefault)), ("isInitial", .bool(domain.isInitial)),
            ("isRoot", .bool(true)), ("isVerified", .bool(domain.isVerified)), ("passwordNotificationWindowInDays", .null),
            ("passwordValidityPeriodInDays", .null), ("supportedServices", JSONValue(domain.supportedServices)), ("state", .null),
        ])
    }
}
