import Crypto
import Foundation
import GraphSyncCore

/// Encrypts secrets at rest with AES-256-GCM. Sealed values are `v2:` + base64(nonce ‖ ciphertext ‖ tag), bound by the
/// GCM tag to a context (the owning row and key name) given as associated data, so a sealed value copied into another
/// row does not open there. `v1:` values (no context, written before 0.x) open only through `openLegacy`, which the
/// start-up upgrade uses to reseal them.
public struct SecretCipher: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case invalidKey
        case malformed
        public var description: String {
            switch self {
            case .invalidKey: "the secret-at-rest key must be 32 bytes, base64-encoded"
            case .malformed: "a sealed secret could not be opened (wrong key or corrupted value)"
            }
        }
    }

    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// A cipher from a base64 key (`GRAPHSYNC_SECRET_KEY`, or the data directory's `secret.key`).
    public init(base64Key: String) throws {
        guard let data = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw Failure.invalidKey
        }
        self.key = SymmetricKey(data: data)
    }

    /// A new random key, base64-encoded.
    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Loads the key from `environmentValue` if given, else from `path`, creating the file (0600) if missing.
    public static func loadOrCreate(path: String, environmentValue: String?) throws -> SecretCipher {
        if let environmentValue, !environmentValue.isEmpty { return try SecretCipher(base64Key: environmentValue) }
        if let existing = FileManager.default.contents(atPath: path) {
            return try SecretCipher(base64Key: String(decoding: existing, as: UTF8.self))
        }
        let key = Self.generateKey()
        try FileSupport.writeAtomically(Data(key.utf8), to: path, permissions: 0o600)
        return try SecretCipher(base64Key: key)
    }

    public func seal(_ plaintext: String, context: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: self.key, authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw Failure.malformed }
        return "v2:" + combined.base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws -> String {
        guard sealed.hasPrefix("v2:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else { throw Failure.malformed }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: self.key, authenticating: Data(context.utf8)), as: UTF8.self)
        } catch {
            throw Failure.malformed
        }
    }

    public func isLegacy(_ sealed: String) -> Bool { sealed.hasPrefix("v1:") }

    public func openLegacy(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else { throw Failure.malformed }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: self.key), as: UTF8.self)
        } catch {
            throw Failure.malformed
        }
    }
}

extension SecretCipher: SecretSealer {}
