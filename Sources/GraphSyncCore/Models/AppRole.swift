import Foundation

/// A role an application publishes for users, groups or other applications (`appRole`).
public struct AppRole: Sendable, Codable, Hashable {
    public var id: String
    public var allowedMemberTypes: [String]
    public var description: String?
    public var displayName: String?
    public var isEnabled: Bool
    public var value: String?
    public var origin: String

    public init(
        id: String, allowedMemberTypes: [String], description: String? = nil, displayName: String? = nil,
        isEnabled: Bool = true, value: String? = nil, origin: String = "Application"
    ) {
        self.id = id
        self.allowedMemberTypes = allowedMemberTypes
        self.description = description
        self.displayName = displayName
        self.isEnabled = isEnabled
        self.value = value
        self.origin = origin
    }
}

/// A delegated permission an application exposes (`permissionScope`).
public struct PermissionScope: Sendable, Codable, Hashable {
    public var id: String
    public var adminConsentDescription: String?
    public var adminConsentDisplayName: String?
    public var isEnabled: Bool
    /// `Admin` or `User`.
    public var type: String
    public var userConsentDescription: String?
    public var userConsentDisplayName: String?
    public var value: String

    public init(
        id: String, value: String, adminConsentDescription: String? = nil, adminConsentDisplayName: String? = nil,
        isEnabled: Bool = true, type: String = "Admin", userConsentDescription: String? = nil, userConsentDisplayName: String? = nil
    ) {
        self.id = id
        self.value = value
        self.adminConsentDescription = adminConsentDescription
        self.adminConsentDisplayName = adminConsentDisplayName
        self.isEnabled = isEnabled
        self.type = type
        self.userConsentDescription = userConsentDescription
        self.userConsentDisplayName = userConsentDisplayName
    }
}

/// A client secret's metadata (`passwordCredential`); the secret itself is only ever kept as a hash.
public struct PasswordCredential: Sendable, Codable, Hashable {
    public var keyId: String
    public var displayName: String?
    public var hint: String
    public var startDateTime: Date
    public var endDateTime: Date
    /// Salted hash of the secret text (see `SecretHasher`). Never serialized to clients.
    public var secretHash: String

    public init(keyId: String, displayName: String?, hint: String, startDateTime: Date, endDateTime: Date, secretHash: String) {
        self.keyId = keyId
        self.displayName = displayName
        self.hint = hint
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
        self.secretHash = secretHash
    }

    public func isValid(at date: Date) -> Bool {
        self.startDateTime.addingTimeInterval(-300) <= date && date < self.endDateTime
    }
}
