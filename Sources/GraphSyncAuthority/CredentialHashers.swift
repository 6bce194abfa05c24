import Crypto
import CryptoExtras
import Foundation
import GraphSyncCore
import Synchronization

/// Hashes high-entropy client secrets: HMAC-SHA256 keyed by a random 16-byte salt.
///
/// Client secrets are 40 random characters (about 238 bits), so a fast keyed hash is as safe as a slow one
/// and keeps the token endpoint fast. Format: `hs256$<salt>$<mac>` (base64).
public struct ClientSecretHasher: CredentialHasher {
    public init() {}

    public var decoyHash: String { Self.decoy }
    private static let decoy = ClientSecretHasher().hash(UUID().uuidString)

    public func hash(_ secret: String) -> String {
        let salt = SymmetricKey(size: .bits128)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: salt)
        return "hs256$" + salt.withUnsafeBytes { Data($0).base64EncodedString() } + "$" + Data(mac).base64EncodedString()
    }

    public func verify(_ secret: String, against hash: String) -> Bool {
        let parts = hash.split(separator: "$").map(String.init)
        guard parts.count == 3, parts[0] == "hs256", let salt = Data(base64Encoded: parts[1]), let mac = Data(base64Encoded: parts[2]) else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(secret.utf8), using: SymmetricKey(data: salt))
    }
}

/// Hashes user passwords (low entropy) with PBKDF2-HMAC-SHA256. Format: `pbkdf2-sha256$<rounds>$<salt>$<key>`.
public struct PasswordHasher: CredentialHasher {
    public let rounds: Int

    public init(rounds: Int = 210_000) { self.rounds = rounds }

    public var decoyHash: String {
        if let decoy = Self.decoys.withLock({ $0[self.rounds] }) { return decoy }
        let decoy = self.hash(UUID().uuidString)
        Self.decoys.withLock { $0[self.rounds] = decoy }
        return decoy
    }

    private static let decoys = Mutex<[Int: String]>([:])

    public func hash(_ secret: String) -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        guard let key = Self.derive(secret, salt: salt, rounds: self.rounds) else {
            preconditionFailure("PBKDF2 refused \(self.rounds) rounds")
        }
        return "pbkdf2-sha256$\(self.rounds)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    public func verify(_ secret: String, against hash: String) -> Bool {
        let parts = hash.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), (1...10_000_000).contains(rounds),
            let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3]),
            let actual = Self.derive(secret, salt: salt, rounds: rounds)
        else { return false }
        // Compare as MACs of the derived keys so the comparison takes constant time.
        let compareKey = SymmetricKey(size: .bits256)
        return HMAC<SHA256>.authenticationCode(for: actual, using: compareKey)
            == HMAC<SHA256>.authenticationCode(for: expected, using: compareKey)
    }

    private static func derive(_ secret: String, salt: Data, rounds: Int) -> Data? {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Data(secret.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key?.withUnsafeBytes { Data($0) }
    }
}
