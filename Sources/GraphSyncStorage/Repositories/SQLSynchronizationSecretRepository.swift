import Foundation
import GraphSyncCore
import SQLKit

/// Synchronization secrets in SQL, each value sealed by the `SecretSealer` before it is written.
public struct SQLSynchronizationSecretRepository: SynchronizationSecretRepository {
    let database: any SQLDatabaseProvider
    let sealer: any SecretSealer

    public init(database: any SQLDatabaseProvider, sealer: any SecretSealer) {
        self.database = database
        self.sealer = sealer
    }

    public func secrets(of servicePrincipalId: String) async throws -> SynchronizationSecrets {
        let rows = try await self.database.read { db in
            try await db.select().columns("key", "sealed_value").from("synchronization_secrets")
                .where("service_principal_id", .equal, SQLBind(servicePrincipalId.lowercased())).orderBy("position").orderBy("key").all()
                .map { (try $0.decode(column: "key", as: String.self), try $0.decode(column: "sealed_value", as: String.self)) }
        }
        var pairs: [(SynchronizationSecretKey, String)] = []
        for (name, sealed) in rows {
            guard let key = SynchronizationSecretKey(rawValue: name) else { continue }
            pairs.append((key, try self.sealer.open(sealed, context: SealContext.synchronizationSecret(servicePrincipalId: servicePrincipalId, key: name))))
        }
        return SynchronizationSecrets(ordered: pairs)
    }

    public func replace(_ secrets: SynchronizationSecrets, of servicePrincipalId: String) async throws {
        let id = servicePrincipalId.lowercased()
        let sealed = try secrets.keys.map { key in
            (key.rawValue, try self.sealer.seal(secrets[key] ?? "", context: SealContext.synchronizationSecret(servicePrincipalId: id, key: key.rawValue)))
        }
        try await self.database.write { db in
            try await db.delete(from: "synchronization_secrets").where("service_principal_id", .equal, SQLBind(id)).run()
            guard !sealed.isEmpty else { return }
            let insert = db.insert(into: "synchronization_secrets").columns("service_principal_id", "key", "sealed_value", "position")
            for (position, (key, value)) in sealed.enumerated() { insert.values(SQLBind(id), SQLBind(key), SQLBind(value), SQLBind(position)) }
            try await insert.run()
        }
    }

    /// The `schema_migrations` row that records the one-time reseal (outside the numbered migrations, which cannot
    /// use the operator key).
    static let resealMarker = 10_001

    /// Reseals values written before they were bound to their row, once per database (recorded in
    /// `schema_migrations`); returns how many. After that, a `v1` value never opens again: one copied in from an old
    /// backup cannot be laundered into another row by a restart.
    public static func resealLegacyValues(database: any SQLDatabaseProvider, sealer: any SecretSealer) async throws -> Int {
        try await database.write { db in
            let done = try await db.select().column("version").from("schema_migrations").where("version", .equal, SQLBind(Self.resealMarker)).first()
            guard done == nil else { return 0 }
            var count = 0
            for row in try await db.select().columns("service_principal_id", "key", "sealed_value").from("synchronization_secrets").all() {
                let (id, key, sealed) = (
                    try row.decode(column: "service_principal_id", as: String.self), try row.decode(column: "key", as: String.self),
                    try row.decode(column: "sealed_value", as: String.self)
                )
                guard sealer.isLegacy(sealed) else { continue }
                let resealed = try sealer.seal(try sealer.openLegacy(sealed), context: SealContext.synchronizationSecret(servicePrincipalId: id, key: key))
                try await db.update("synchronization_secrets").set("sealed_value", to: SQLBind(resealed))
                    .where("service_principal_id", .equal, SQLBind(id)).where("key", .equal, SQLBind(key)).run()
                count += 1
            }
            for row in try await db.select().columns("kid", "sealed_key").from("signing_keys").all() {
                let (kid, sealed) = (try row.decode(column: "kid", as: String.self), try row.decode(column: "sealed_key", as: String.self))
                guard sealer.isLegacy(sealed) else { continue }
                let resealed = try sealer.seal(try sealer.openLegacy(sealed), context: SealContext.signingKey(kid: kid))
                try await db.update("signing_keys").set("sealed_key", to: SQLBind(resealed)).where("kid", .equal, SQLBind(kid)).run()
                count += 1
            }
            try await db.insert(into: "schema_migrations").columns("version", "name", "applied_at")
                .values(SQLBind(Self.resealMarker), SQLBind("sealed values bound to their rows"), SQLBind(ISO8601DateFormatter().string(from: Date())))
                .run()
            return count
        }
    }
}
