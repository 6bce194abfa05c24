import Foundation
import GraphSyncCore
import Hummingbird

/// `…/{id}/synchronization`, its secrets, and `acquireAccessToken`, under both `servicePrincipals` and `applications`.
///
/// An application's routes act on the synchronization of its service principal in this tenant (the object that
/// Entra's provisioning runs on), so both paths read and write the same secrets.
struct SynchronizationController {
    let services: GraphServices
    let synchronization: SynchronizationService

    func addRoutes(to routes: GraphRoutes) {
        for collection in ["servicePrincipals", "applications"] {
            let base = "\(collection)/:id/synchronization"
            routes.get(base) { try await self.get($0, $1, collection: collection) }
            routes.get("\(base)/secrets") { try await self.listSecrets($0, $1, collection: collection) }
            routes.put("\(base)/secrets") { try await self.putSecrets($0, $1, collection: collection) }
            routes.post("\(base)/acquireAccessToken") { try await self.acquireAccessToken($0, $1, collection: collection) }
        }
    }

    func get(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        let target = try await self.services.synchronizationTarget(request, context, collection: collection, policy: GraphPolicies.readSynchronization)
        let secrets = try await self.services.repositories.synchronizationSecrets.secrets(of: target.servicePrincipal.id)
        return try self.services.odata(request).entity(
            .object([("id", .string(target.servicePrincipal.id)), ("secrets", Self.masked(secrets))]),
            context: "\(collection)('\(target.pathId)')/synchronization/$entity")
    }

    func listSecrets(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        let target = try await self.services.synchronizationTarget(request, context, collection: collection, policy: GraphPolicies.readSynchronization)
        let secrets = try await self.services.repositories.synchronizationSecrets.secrets(of: target.servicePrincipal.id)
        return try self.services.odata(request).collection(
            Self.masked(secrets).arrayValue ?? [], context: "\(collection)('\(target.pathId)')/synchronization/secrets")
    }

    func putSecrets(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        let target = try await self.services.synchronizationTarget(request, context, collection: collection, policy: GraphPolicies.writeSynchronization)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["value", "credentials"], resource: "synchronizationSecrets")
        let property = body.has("value") || !body.has("credentials") ? "value" : "credentials"
        let changes = try SecretPairs.parse(body, property: property)
        try await self.synchronization.replaceSecrets(
            with: changes, servicePrincipalId: target.servicePrincipal.id, mayConfigureFederation: try await self.mayConfigureFederation(target, context))
        return GraphResponse.noContent()
    }

    func acquireAccessToken(_ request: Request, _ context: AuthenticatedContext, collection: String) async throws -> Response {
        let target = try await self.services.synchronizationTarget(request, context, collection: collection, policy: GraphPolicies.writeSynchronization)
        let body = try await RequestBody.object(request, context: context)
        try body.rejectUnknown(allowed: ["credentials"], resource: "acquireAccessToken")
        let credentials = try SecretPairs.parse(body, property: "credentials")
        _ = try await self.synchronization.acquireAccessToken(
            credentials, servicePrincipalId: target.servicePrincipal.id, mayConfigureFederation: try await self.mayConfigureFederation(target, context))
        return GraphResponse.noContent()
    }

    // MARK: helpers

    func mayConfigureFederation(_ target: SynchronizationTarget, _ context: AuthenticatedContext) async throws -> Bool {
        try await context.permits(GraphPolicies.configureFederation, objectId: target.servicePrincipal.id, owners: self.services.repositories.owners)
    }

    /// Secrets as Graph returns them: keys shown, every value masked.
    static func masked(_ secrets: SynchronizationSecrets) -> JSONValue {
        .array(secrets.keys.map { .object([("key", .string($0.rawValue)), ("value", .string("*"))]) })
    }
}

/// Lists of `synchronizationSecretKeyStringValuePair` in request bodies.
enum SecretPairs {
    static let odataTypes: Set<String> = [
        "#microsoft.graph.synchronizationSecretKeyStringValuePair", "microsoft.graph.synchronizationSecretKeyStringValuePair",
    ]

    /// `body[property]` as (key, value) pairs: keys matched case-insensitively, each at most once; `null` values clear.
    static func parse(_ body: JSONObject, property: String) throws -> [(SynchronizationSecretKey, String)] {
        guard let raw = body[property] else { throw GraphError.badRequest("Property '\(property)' is required: an array of {\"key\", \"value\"} pairs.") }
        guard case .array(let items) = raw else {
            throw GraphError.badRequest("Property '\(property)' must be an array of {\"key\", \"value\"} pairs, not \(raw.typeName).")
        }
        var pairs: [(SynchronizationSecretKey, String)] = []
        for (index, item) in items.enumerated() {
            let at = "\(property)[\(index)]"
            guard case .object(let members) = item else { throw GraphError.badRequest("\(at) must be an object with 'key' and 'value', not \(item.typeName).") }
            let pair = JSONObject(members: members)
            if let type = pair["@odata.type"] {
                guard let name = type.stringValue, Self.odataTypes.contains(name) else {
                    throw GraphError.badRequest("\(at) has @odata.type \(type.stringValue.map { "'\($0)'" } ?? type.typeName); expected '#microsoft.graph.synchronizationSecretKeyStringValuePair'.")
                }
            }
            for name in pair.keys where !["key", "value", "@odata.type"].contains(name) {
                throw GraphError.badRequest("\(at) has unknown property '\(name)'; a credential has only 'key' and 'value'.")
            }
            guard let keyValue = pair["key"], keyValue != .null else {
                throw GraphError(
                    .badRequest, code: "CredentialsMissing",
                    message: "\(at) has no 'key'. Each credential is {\"key\": <synchronizationSecret name>, \"value\": <string>}; acquireAccessToken needs Oauth2TokenExchangeUri and Oauth2ClientId, plus Oauth2AuthorizationCode and Oauth2RedirectUri (authorization code grant) or Oauth2ClientSecret (client credentials grant).")
            }
            guard let name = keyValue.stringValue else { throw GraphError.badRequest("\(at).key must be a string, not \(keyValue.typeName).") }
            guard let key = SynchronizationSecretKey(name: name) else {
                throw GraphError.badRequest("\(at).key '\(name)' is not a synchronizationSecret name (for example Oauth2ClientId, Oauth2TokenExchangeUri, BaseAddress, SecretToken).")
            }
            let value: String
            switch pair["value"] {
            case .some(.string(let text)): value = text
            case .some(.null): value = ""
            case nil: throw GraphError.badRequest("\(at) (\(key.rawValue)) has no 'value'.")
            case .some(let other): throw GraphError.badRequest("\(at).value (\(key.rawValue)) must be a string, not \(other.typeName).")
            }
            if pairs.contains(where: { $0.0 == key }) { throw GraphError.badRequest("\(at): the key \(key.rawValue) appears more than once.") }
            pairs.append((key, value))
        }
        return pairs
    }
}
