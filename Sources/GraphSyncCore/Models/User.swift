import Foundation

/// A directory user (`user`). The password is kept only as a salted, stretched hash.
public struct User: Sendable, Codable, Hashable {
    public var id: String
    public var userPrincipalName: String
    public var displayName: String
    public var mailNickname: String
    public var accountEnabled: Bool
    public var givenName: String?
    public var surname: String?
    public var mail: String?
    public var jobTitle: String?
    public var createdDateTime: Date
    public var passwordHash: String?
    public var forceChangePasswordNextSignIn: Bool
    /// The `manager` relationship: the managing user's id (it may since have been deleted: readers check).
    public var managerId: String?
    /// Graph's `signInSessionsValidFromDateTime`: refresh tokens and browser sessions from before it are revoked for
    /// good. Moved forward on disable, delete, a password change and `revokeSignInSessions`.
    public var signInSessionsValidFromDateTime: Date?
    /// Every other property Graph defines for users, as sent (never `passwordProfile`).
    public var properties: GraphProperties

    public init(
        id: String, userPrincipalName: String, displayName: String, mailNickname: String, accountEnabled: Bool = true,
        givenName: String? = nil, surname: String? = nil, mail: String? = nil, jobTitle: String? = nil, createdDateTime: Date,
        passwordHash: String? = nil, forceChangePasswordNextSignIn: Bool = false, properties: GraphProperties = GraphProperties()
    ) {
        self.id = id
        self.userPrincipalName = userPrincipalName
        self.displayName = displayName
        self.mailNickname = mailNickname
        self.accountEnabled = accountEnabled
        self.givenName = givenName
        self.surname = surname
        self.mail = mail
        self.jobTitle = jobTitle
        self.createdDateTime = createdDateTime
        self.passwordHash = passwordHash
        self.forceChangePasswordNextSignIn = forceChangePasswordNextSignIn
        self.properties = properties
    }
}
