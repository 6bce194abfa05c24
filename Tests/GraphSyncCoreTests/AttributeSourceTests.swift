import Foundation
import GraphSyncCore
import Testing

/// What a mapping can read from a user or group: every Graph property it has, under Entra's attribute names.
@Suite struct AttributeSourceTests {
    @Test func mappingsReadEveryGraphPropertyOfAUser() {
        var user = User(id: "u1", userPrincipalName: "lin@graphsync.local", displayName: "Lin", mailNickname: "lin", createdDateTime: Date())
        user.properties["department"] = .string("Research")
        user.properties["businessPhones"] = .array([.string("+1 555 0101")])
        let values = AttributeMapper.sourceValues(of: user)
        #expect(values["department"] == .string("Research"))
        #expect(values["businessPhones"] == .array([.string("+1 555 0101")]))
        #expect(values["objectId"] == .string("u1") && values["IsSoftDeleted"] == .bool(false))
        // A stored property cannot shadow what GraphSync itself decides.
        user.properties["accountEnabled"] = .bool(false)
        #expect(AttributeMapper.sourceValues(of: user)["accountEnabled"] == .bool(true))
    }
}
