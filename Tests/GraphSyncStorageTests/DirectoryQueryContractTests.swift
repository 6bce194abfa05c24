import Foundation
import GraphSyncCore
@testable import GraphSyncStorage
import SQLKit
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

    @Test func sortedPagesFollowTheSortKeyThenTheId() async throws {
        try await StorageFixture.withDatabase { fixture in
            let users = fixture.repositories.users
            for (index, name) in ["Bea", "al", "Bea", "cy", "al", "Bea"].enumerated() {
                try await users.create(Make.user("u\(index)@contoso.com", displayName: name))
            }
            for descending in [false, true] {
                var seen: [User] = []
                var query = DirectoryQuery(top: 2, orderBy: .init(field: "displayName", descending: descending))
                repeat {
                    let page = try await users.list(query)
                    seen += page.items
                    query.after = page.next
                } while query.after != nil
                let expected = seen.sorted { ($0.displayName.lowercased(), $0.id) < ($1.displayName.lowercased(), $1.id) }
                #expect(seen.map(\.id) == (descending ? expected.reversed() : expected).map(\.id))
            }
            await #expect(throws: StoreError.unsupportedSort("mail")) { try await users.list(DirectoryQuery(orderBy: .init(field: "mail"))) }
            await #expect(throws: StoreError.invalidSkipToken) {
                try await users.list(DirectoryQuery(after: "not-a-token", orderBy: .init(field: "displayName")))
            }
        }
    }

    @Test func sortedPagesAreReadInOrderFromAnIndex() async throws {
        try await StorageFixture.withDatabase { fixture in
            for index in 0..<300 { try await fixture.repositories.users.create(Make.user("u\(index)@contoso.com", displayName: "n\(index % 37)")) }
            for field in ["displayName", "userPrincipalName"] {
                for descending in [false, true] {
                    let plan = try await fixture.provider.read { db in
                        let query = DirectoryQuery(top: 10, after: PageToken.make(value: "n1", id: "x"), orderBy: .init(field: field, descending: descending))
                        return try await RepositoryContractTests.plan(of: Tables.users.pageQuery(query, on: db), on: db)
                    }
                    #expect(!plan.localizedCaseInsensitiveContains("TEMP B-TREE") && !plan.contains("Sort") && !plan.contains("Seq Scan"), "\(field):\n\(plan)")
                }
            }
        }
    }

    @Test func operatorsTreatAMissingValueAsGraphDoes() async throws {
        try await StorageFixture.withDatabase { fixture in
            let users = fixture.repositories.users
            var withMail = Make.user("ann@contoso.com", displayName: "Ann Lee")
            withMail.mail = "Ann@Contoso.com"
            try await users.create(withMail)
            for (upn, name) in [("bob@contoso.com", "Bob Lee"), ("cy@contoso.com", "Cy Mo")] {
                var user = Make.user(upn, displayName: name)
                user.mail = nil
                try await users.create(user)
            }
            func names(_ clauses: DirectoryQuery.Clause...) async throws -> [String] {
                try await users.list(DirectoryQuery(clauses: clauses)).items.map(\.displayName).sorted()
            }
            #expect(try await names(.notEquals(field: "mail", value: "ann@contoso.com")) == ["Bob Lee", "Cy Mo"])
            #expect(try await names(.isNull(field: "mail")) == ["Bob Lee", "Cy Mo"])
            #expect(try await names(.not(.isNull(field: "mail"))) == ["Ann Lee"])
            #expect(try await names(.not(.startsWith(field: "mail", value: "ANN"))) == ["Bob Lee", "Cy Mo"])
            #expect(try await names(.endsWith(field: "displayName", value: "LEE")) == ["Ann Lee", "Bob Lee"])
            #expect(try await names(.atLeast(field: "displayName", value: "b"), .atMost(field: "displayName", value: "Cy Mo")) == ["Bob Lee", "Cy Mo"])
            #expect(try await names(.not(.anyIn(field: "userPrincipalName", values: ["ann@contoso.com", "cy@contoso.com"]))) == ["Bob Lee"])
        }
    }

    @Test func searchClausesCombineWithAndAndOr() async throws {
        try await StorageFixture.withDatabase { fixture in
            let groups = fixture.repositories.groups
            for name in ["Sales Team", "Team_Ops", "Presales"] {
                try await groups.create(Group(id: Identifiers.objectId(), displayName: name, mailNickname: name.lowercased(), createdDateTime: Date()))
            }
            func names(_ clause: DirectoryQuery.Clause) async throws -> [String] {
                try await groups.list(DirectoryQuery(clauses: [clause])).items.map(\.displayName).sorted()
            }
            #expect(try await names(.hasWord(field: "displayName", word: "SALES")) == ["Sales Team"])
            #expect(try await names(.hasWord(field: "displayName", word: "team_")) == ["Team_Ops"])
            let either = DirectoryQuery.Clause.anyOf([.hasWord(field: "displayName", word: "pre"), .hasWord(field: "displayName", word: "team")])
            #expect(try await names(either) == ["Presales", "Sales Team", "Team_Ops"])
            #expect(try await names(.allOf([.hasWord(field: "displayName", word: "sales"), .hasWord(field: "displayName", word: "team")])) == ["Sales Team"])
        }
    }
}
