import Foundation

/// The `synchronizationSecret` enum: the names under which a synchronization keeps its credentials and settings.
public enum SynchronizationSecretKey: String, Sendable, CaseIterable, Codable, Hashable {
    case none = "None", userName = "UserName", password = "Password", secretToken = "SecretToken", appKey = "AppKey"
    case baseAddress = "BaseAddress", clientIdentifier = "ClientIdentifier", clientSecret = "ClientSecret"
    case singleSignOnType = "SingleSignOnType", sandbox = "Sandbox", url = "Url", domain = "Domain"
    case consumerKey = "ConsumerKey", consumerSecret = "ConsumerSecret", tokenKey = "TokenKey", tokenExpiration = "TokenExpiration"
    case oauth2AccessToken = "Oauth2AccessToken", oauth2AccessTokenCreationTime = "Oauth2AccessTokenCreationTime"
    case oauth2RefreshToken = "Oauth2RefreshToken", syncAll = "SyncAll", instanceName = "InstanceName"
    case oauth2ClientId = "Oauth2ClientId", oauth2ClientSecret = "Oauth2ClientSecret", companyId = "CompanyId"
    case updateKeyOnSoftDelete = "UpdateKeyOnSoftDelete", synchronizationSchedule = "SynchronizationSchedule"
    case systemOfRecord = "SystemOfRecord", sandboxName = "SandboxName", enforceDomain = "EnforceDomain"
    case syncNotificationSettings = "SyncNotificationSettings", skipOutOfScopeDeletions = "SkipOutOfScopeDeletions"
    case oauth2AuthorizationCode = "Oauth2AuthorizationCode", oauth2RedirectUri = "Oauth2RedirectUri"
    case applicationTemplateIdentifier = "ApplicationTemplateIdentifier", oauth2TokenExchangeUri = "Oauth2TokenExchangeUri"
    case oauth2AuthorizationUri = "Oauth2AuthorizationUri", authenticationType = "AuthenticationType", server = "Server"
    case performInboundEntitlementGrants = "PerformInboundEntitlementGrants", hardDeletesEnabled = "HardDeletesEnabled"
    case syncAgentCompatibilityKey = "SyncAgentCompatibilityKey", syncAgentADContainer = "SyncAgentADContainer"
    case validateDomain = "ValidateDomain", testReferences = "TestReferences", connectionString = "ConnectionString"

    /// Parses an enum member name case-insensitively (`oauth2clientid` → `.oauth2ClientId`).
    public init?(name: String) {
        guard let match = Self.byLowercasedName[name.lowercased()] else { return nil }
        self = match
    }

    private static let byLowercasedName = Dictionary(uniqueKeysWithValues: Self.allCases.map { ($0.rawValue.lowercased(), $0) })
}

/// The secrets of one synchronization, keyed by `SynchronizationSecretKey`, in the order they were saved (Graph returns
/// them in that order, and clients such as Terraform compare the list in order).
public struct SynchronizationSecrets: Sendable, Equatable {
    public private(set) var values: [SynchronizationSecretKey: String]
    /// The keys with a value, in the order they were first set.
    public private(set) var keys: [SynchronizationSecretKey]

    public init(_ values: [SynchronizationSecretKey: String] = [:]) {
        self.init(ordered: SynchronizationSecretKey.allCases.compactMap { key in values[key].map { (key, $0) } })
    }

    /// Secrets in the given order; an empty value is no secret, and a repeated key keeps its first place and last value.
    public init(ordered pairs: [(SynchronizationSecretKey, String)]) {
        self.values = [:]
        self.keys = []
        for (key, value) in pairs { self[key] = value }
    }

    public subscript(key: SynchronizationSecretKey) -> String? {
        get { self.values[key] }
        set {
            let value = newValue.flatMap { $0.isEmpty ? nil : $0 }
            switch (self.values[key], value) {
            case (nil, let value?): self.keys.append(key)
            case (_?, nil): self.keys.removeAll { $0 == key }
            default: break
            }
            self.values[key] = value
        }
    }

    /// These values laid over the current ones; an empty value removes its key.
    public func overlaid(with changes: [(SynchronizationSecretKey, String)]) -> SynchronizationSecrets {
        var result = self
        for (key, value) in changes { result[key] = value }
        return result
    }
}
