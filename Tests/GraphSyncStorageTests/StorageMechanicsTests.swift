import Foundation
import GraphSyncCore
import GraphSyncStorage
import GraphSyncTestSupport
import SQLKit
import Testing

/// The repository contract: Migrations, keys, transactions and persistence.
extension RepositoryContractTests {
    // MARK: - Migrations

    @Test func migrationsAreIdempotentAndRecorded() async throws {
        try await StorageFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("db.sqlite").path
            let (provider, first) = try await StorageFixture.openMigrated(path: path)
            do {
                #expect(first == Migration.all.map(\.version))
                let second = try await Migrator(database: provider, logger: StorageFixture.logger).migrate()
                #expect(second.isEmpty)
                let rows = try await provider.read { db in
                    try await db.select().columns("version", "name").from("schema_migrations").orderBy("version").all()
                        .map { (try $0.decode(column: "version", as: Int.self), try $0.decode(column: "name", as: String.self)) }
                }
                #expect(rows.map(\.0) == Migration.all.map(\.version))
                #expect(rows.map(\.1) == Migration.all.map(\.name))
                #expect(rows.first?.1 == "directory")
            } catch {
                try? await provider.close()
                throw error
            }
            try await provider.close()
        }
    }

    /// Migration 11 gives users a `manager_id` column filled from the documents already stored, so the direct reports
    /// of a directory created before it are found.
    @Test func existingManagersAreFoundAfterTheUserManagersMigration() async throws {
        try await StorageFixture.withTemporaryDirectory { directory in
            let provider = try await SQLiteDatabaseProvider.open(path: directory.appendingPathComponent("db.sqlite").path, logger: StorageFixture.logger)
            do {
                try await Migrator(database: provider, migrations: Migration.all.filter { $0.version <= 10 }, logger: StorageFixture.logger).migrate()
                var ada = User(id: "u-ada", userPrincipalName: "ada@contoso.test", displayName: "ada", mailNickname: "ada", createdDateTime: Date())
                ada.managerId = "U-BOSS"
                let boss = User(id: "u-boss", userPrincipalName: "boss@contoso.test", displayName: "boss", mailNickname: "boss", createdDateTime: Date())
                let stored = [ada, boss]
                try await provider.write { db in
                    for user in stored {  // as version 10 stored them: no manager_id column yet
                        try await db.insert(into: "users").columns("id", "document", "user_principal_name", "display_name", "mail_nickname", "mail")
                            .values(SQLBind(user.id), SQLBind(String(decoding: try JSONEncoder().encode(user), as: UTF8.self)),
                                    SQLBind(user.userPrincipalName), SQLBind(user.displayName), SQLBind(user.mailNickname), SQLLiteral.null).run()
                    }
                }
                #expect(try await Migrator(database: provider, logger: StorageFixture.logger).migrate().contains(11))
                let users = SQLUserRepository(database: provider)
                #expect(try await users.directReports(of: "u-boss", DirectoryQuery()).items.map(\.id) == ["u-ada"])
                #expect(try await users.directReports(ofEach: ["u-boss", "u-ada"], limit: 5).mapValues { $0.map(\.id) } == ["u-boss": ["u-ada"]])
            } catch {
                try? await provider.close()
                throw error
            }
            try await provider.close()
        }
    }

    // MARK: - Tenant and signing keys

    @Test func tenantSaveAndLoad() async throws {
        try await StorageFixture.withDatabase { fx in
            let tenants = fx.repositories.tenants
            #expect(try await tenants.tenant() == nil)
            var tenant = Tenant(id: Identifiers.objectId(), displayName: "Contoso", defaultDomain: "contoso.test")
            try await tenants.save(tenant)
            #expect(try await tenants.tenant() == tenant)
            tenant.displayName = "Contoso Ltd"
            tenant.bootstrapAppId = Identifiers.objectId()
            tenant.bootstrapUserId = Identifiers.objectId()
            try await tenants.save(tenant)
            #expect(try await tenants.tenant() == tenant)
            #expect(try await fx.count("tenant") == 1)
        }
    }

    @Test func signingKeysComeBackNewestFirst() async throws {
        try await StorageFixture.withDatabase { fx in
            let tenants = fx.repositories.tenants
            #expect(try await tenants.signingKeys().isEmpty)
            let base = 1_750_000_000.0
            let middle = StoredSigningKey(kid: "kid-middle", sealedPrivateKey: "v1:middle", createdDateTime: Date(timeIntervalSince1970: base + 60))
            let oldest = StoredSigningKey(kid: "kid-oldest", sealedPrivateKey: "v1:oldest", createdDateTime: Date(timeIntervalSince1970: base))
            let newest = StoredSigningKey(kid: "kid-newest", sealedPrivateKey: "v1:newest", createdDateTime: Date(timeIntervalSince1970: base + 3600.5))
            for key in [middle, oldest, newest] { try await tenants.addSigningKey(key) }
            let keys = try await tenants.signingKeys()
            #expect(keys.map(\.kid) == ["kid-newest", "kid-middle", "kid-oldest"])
            #expect(keys.map(\.sealedPrivateKey) == ["v1:newest", "v1:middle", "v1:oldest"])
            for (stored, original) in zip(keys, [newest, middle, oldest]) {
                #expect(abs(stored.createdDateTime.timeIntervalSince(original.createdDateTime)) < 0.001)
            }
            // kid is the primary key.
            await #expect(throws: (any Error).self) { try await tenants.addSigningKey(newest) }
            #expect(try await tenants.signingKeys().count == 3)
        }
    }

    // MARK: - Transactions

    @Test func throwingWriteRollsBack() async throws {
        try await StorageFixture.withDatabase { fx in
            let id = Identifiers.objectId()
            await #expect(throws: Boom.self) {
                try await fx.provider.write { db in
                    try await db.insert(into: "users").columns("id", "user_principal_name", "display_name", "mail_nickname", "document")
                        .values(SQLBind(id), SQLBind("ghost@contoso.test"), SQLBind("ghost"), SQLBind("ghost"), SQLBind("{}")).run()
                    try await db.insert(into: "owners").columns("object_id", "owner_id", "owner_type")
                        .values(SQLBind(id), SQLBind(id), SQLBind("User")).run()
                    // Visible inside the transaction…
                    let inside = try await db.select().column("id").from("users").where("id", .equal, SQLBind(id)).first()
                    #expect(inside != nil)
                    throw Boom()
                }
            }
            // …but gone after the rollback, from the readers and the writer alike.
            #expect(try await fx.count("users") == 0)
            #expect(try await fx.count("owners") == 0)
            #expect(try await fx.repositories.users.get(id: id) == nil)
            let seenByWriter = try await fx.provider.write { db in
                try await db.select().column("id").from("users").where("id", .equal, SQLBind(id)).first() != nil
            }
            #expect(seenByWriter == false)

            // A write that returns commits, and the lock was released by the failed one.
            let committed = try await fx.provider.write { db -> Int in
                try await db.insert(into: "tenant").columns("id", "document").values(SQLBind("t"), SQLBind("{}")).run()
                return 7
            }
            #expect(committed == 7)
            #expect(try await fx.count("tenant") == 1)
        }
    }

    @Test func concurrentWritesAreSerialized() async throws {
        try await StorageFixture.withDatabase { fx in
            let apps = (0..<20).map { Make.application("Concurrent \($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for app in apps {
                    group.addTask { try await fx.repositories.applications.create(app, owners: []) }
                }
                try await group.waitForAll()
            }
            let page = try await fx.repositories.applications.list(DirectoryQuery(top: 100))
            #expect(page.items.map(\.id) == apps.map(\.id).sorted())
        }
    }

    // MARK: - Persistence

    @Test func dataSurvivesCloseAndReopen() async throws {
        try await StorageFixture.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("persist.sqlite").path
            let alice = Make.user("alice@contoso.test")
            let app = Make.application("Persistent")
            let sp = Make.servicePrincipal(for: app)
            let tenant = Tenant(id: Identifiers.objectId(), displayName: "Contoso", defaultDomain: "contoso.test")
            let key = StoredSigningKey(kid: "kid-1", sealedPrivateKey: "v1:sealed", createdDateTime: Date(timeIntervalSince1970: 1_750_000_000))
            let role = Make.roleAssignment(principal: alice.id)

            let (first, applied) = try await StorageFixture.openMigrated(path: path)
            #expect(applied == Migration.all.map(\.version))
            do {
                let r = Repositories.sql(first, sealer: TestSealer())
                try await r.tenants.save(tenant)
                try await r.tenants.addSigningKey(key)
                try await r.users.create(alice)
                try await r.applications.create(app, owners: [alice.id])
                try await r.servicePrincipals.create(sp, owners: [])
                try await r.roleAssignments.create(role)
            } catch {
                try? await first.close()
                throw error
            }
            try await first.close()

            let (second, reapplied) = try await StorageFixture.openMigrated(path: path)
            do {
                #expect(reapplied.isEmpty)
                let r = Repositories.sql(second, sealer: TestSealer())
                #expect(try await r.tenants.tenant() == tenant)
                #expect(try await r.tenants.signingKeys().map(\.kid) == ["kid-1"])
                #expect(try await r.users.get(userPrincipalName: alice.userPrincipalName) == alice)
                #expect(try await r.applications.get(appId: app.appId) == app)
                #expect(try await r.servicePrincipals.get(id: sp.id) == sp)
                #expect(try await r.owners.ownerIds(of: app.id) == [alice.id])
                #expect(try await r.roleAssignments.get(id: role.id) == role)
            } catch {
                try? await second.close()
                throw error
            }
            try await second.close()
        }
    }

}
