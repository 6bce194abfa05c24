import Foundation
import GraphSyncAuthority
import GraphSyncCore

/// `keyCredentials` in an application or service principal body: certificates only (`AsymmetricX509Cert`, `Verify`),
/// each `key` a DER certificate in base64. A body's collection replaces the stored one, as in Graph.
enum KeyCredentialInput {
    /// The entries as stored: `keyId`, dates and `customKeyIdentifier` (the thumbprint) filled in from the certificate.
    static func entries(_ value: JSONValue) throws -> JSONValue {
        guard case .array(let items) = value else { throw GraphError.badRequest("Property 'keyCredentials' must be an array.") }
        return .array(try items.map { item in
            guard case .object(let members) = item else { throw GraphError.badRequest("Property 'keyCredentials' must be an array of objects.") }
            return .object(try self.entry(JSONObject(members: members)))
        })
    }

    private static func entry(_ body: JSONObject) throws -> [(String, JSONValue)] {
        guard try body.string("type") == "AsymmetricX509Cert" else {
            throw GraphError.badRequest("keyCredential 'type' must be 'AsymmetricX509Cert'; GraphSync stores certificates only.")
        }
        guard try body.string("usage") == "Verify" else { throw GraphError.badRequest("keyCredential 'usage' must be 'Verify'.") }
        guard let key = try body.string("key"), let certificate = CertificateKey(base64: key) else {
            throw GraphError.badRequest("keyCredential 'key' must be the base64 of a DER-encoded X.509 certificate.")
        }
        let keyId = try body.string("keyId") ?? Identifiers.objectId()
        guard UUID(uuidString: keyId) != nil else { throw GraphError.badRequest("keyCredential 'keyId' must be a GUID, not '\(keyId)'.") }
        let start = try body.date("startDateTime") ?? certificate.notValidBefore
        let end = try body.date("endDateTime") ?? certificate.notValidAfter
        guard end > start else { throw GraphError.badRequest("keyCredential 'endDateTime' must be later than 'startDateTime'.") }
        return [
            ("customKeyIdentifier", .string(try body.string("customKeyIdentifier") ?? certificate.thumbprint.base64EncodedString())),
            ("displayName", JSONValue(try body.string("displayName"))), ("endDateTime", JSONValue(end)), ("key", .string(key)),
            ("keyId", .string(keyId.lowercased())), ("startDateTime", JSONValue(start)), ("type", .string("AsymmetricX509Cert")),
            ("usage", .string("Verify")),
        ]
    }

    /// The stored entries as Graph answers them: `key` is never returned.
    static func withoutKeys(_ value: JSONValue?) -> JSONValue? {
        guard case .array(let items)? = value else { return value }
        return .array(items.map { item in
            guard case .object(let members) = item else { return item }
            return .object(members.map { $0.0 == "key" ? ($0.0, .null) : $0 })
        })
    }
}
