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
                .where("service_principal_id", .equal, SQLBind(servicePrincipalId.lowercased())).all()
                .map { (try $0.decode(column: "key", as: String.self), try $0.decode(column: "sealed_value", as: String.self)) }
        }
        var values: [SynchronizationSecretKey: String] = [:]
        for (name, sealed) in rows {
            guard let key = SynchronizationSecretKey(rawValue: name) else { continue }
            values[key] = try self.sealer.open(sealed)
        }
        return SynchronizationSecrets(values)
    }

    public func replace(_ secrets: SynchronizationSecrets, of servicePrincipalId: String) async throws {
        let id = servicePrincipalId.lowercased()
        let sealed = try secrets.sortedKeys.map { ($0.rawValue, try self.sealer.seal(secrets[$0] ?? "")) }
        try await self.database.write { db in
            try await db.delete(from: "synchronization_secrets").where("service_principal_id", .equal, SQLBind(id)).run()
            guard !sealed.isEmpty else { return }
            let insert = db.insert(into: "synchronization_secrets").columns("service_principal_id", "key", "sealed_value")
            for (key, value) in sealed { insert.values(SQLBind(id), SQLBind(key), SQLBind(value)) }
            try await insert.run()
        }
    }
}
