import Foundation

/// A directory group (`group`). Members are users or other groups; assigning a group to an app brings its members.
public struct Group: Sendable, Codable, Hashable {
    public var id: String
    public var displayName: String
    public var description: String?
    public var mailNickname: String
    public var mailEnabled: Bool
    public var securityEnabled: Bool
    public var groupTypes: [String]
    public var createdDateTime: Date
    /// Every other property Graph defines for groups, as sent.
    public var properties: GraphProperties

    public init(
        id: String, displayName: String, description: String? = nil, mailNickname: String, mailEnabled: Bool = false,
        securityEnabled: Bool = true, groupTypes: [String] = [], createdDateTime: Date, properties: GraphProperties = GraphProperties()
    ) {
        self.id = id
        self.displayName = displayName
        self.description = description
        self.mailNickname = mailNickname
        self.mailEnabled = mailEnabled
        self.securityEnabled = securityEnabled
        self.groupTypes = groupTypes
        self.createdDateTime = createdDateTime
        self.properties = properties
    }
}
