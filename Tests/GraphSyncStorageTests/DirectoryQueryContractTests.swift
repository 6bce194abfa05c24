import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import Testing

/// Graph's query options as the repositories answer them, on SQLite and (when configured) PostgreSQL.
@Suite("Directory queries in SQL")
struct DirectoryQueryContractTests {
    @Test func countCoversEveryPageAndOnlyTheMatches() async throws {
        try await StorageFixture.withDatabase { fixture in
            let users = fixture.repositories.users
            for name in ["ann", "anna", "bob"] { try await users.create(Make.user("\(name)@contoso.com")) }
            let first = try await users.list(DirectoryQuery(top: 1, count: true))
            #expect(first.items.count == 1 && first.count == 3)
            let second = try await users.list(DirectoryQuery(top: 1, after: first.next, count: true))
            #expect(second.count == 3)
            let matching = try await users.list(DirectoryQuery(clauses: [.startsWith(field: "userPrincipalName", value: "ann")], count: true))
            #expect(matching.count == 2)
            #expect(try await users.list(DirectoryQuery()).count == nil)
        }
    }
}
