import Crypto
import Foundation
import GraphSyncCore
import GraphSyncAuthority
import Testing

@Suite("Secret protection")
struct SecretProtectionTests {
    /// Runs `body` with a fresh temporary directory, removed afterwards.
    static func withDirectory<R>(_ body: (URL) throws -> R) throws -> R {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graphsync-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url)
    }

    static func permissions(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Flips one bit of the decoded bytes of a sealed value at `index` (counted from the start, or from the end when negative).
    static func tamper(_ sealed: String, at index: Int) throws -> String {
        var bytes = [UInt8](try #require(Data(base64Encoded: String(sealed.dropFirst(3)))))
        let position = index >= 0 ? index : bytes.count + index
        bytes[position] ^= 0x01
        return "v1:" + Data(bytes).base64EncodedString()
    }

    // MARK: - SecretCipher

    @Test func sealOpenRoundTrip() throws {
        let cipher = try SecretCipher(base64Key: SecretCipher.generateKey())
        for plaintext in ["", "s3cr3t", "-----BEGIN PRIVATE KEY-----\nMII…\n-----END PRIVATE KEY-----", "ünïcødé ✓ 🔑", String(repeating: "x", count: 10_000)] {
            let sealed = try cipher.seal(plaintext, context: "ctx")
            #expect(sealed.hasPrefix("v2:"))
            #expect(try cipher.open(sealed, context: "ctx") == plaintext)
        }
    }

    @Test func sealingIsRandomizedAndHidesThePlaintext() throws {
        let cipher = SecretCipher(key: SymmetricKey(size: .bits256))
        let plaintext = "correct horse battery staple"
        let sealed = try (0..<5).map { _ in try cipher.seal(plaintext, context: "ctx") }
        #expect(Set(sealed).count == sealed.count)
        // Different random nonces (the first 12 bytes), all opening to the same plaintext.
        let nonces = try sealed.map { Data(try #require(Data(base64Encoded: String($0.dropFirst(3)))).prefix(12)) }
        #expect(Set(nonces).count == sealed.count)
        for value in sealed {
            #expect(!value.contains(plaintext))
            #expect(!value.contains(Data(plaintext.utf8).base64EncodedString()))
            let bytes = try #require(Data(base64Encoded: String(value.dropFirst(3))))
            #expect(bytes.range(of: Data(plaintext.utf8)) == nil)
            // nonce (12) + ciphertext + tag (16)
            #expect(bytes.count == 12 + plaintext.utf8.count + 16)
            #expect(try cipher.open(value, context: "ctx") == plaintext)
        }
    }

    @Test func tamperedOrMalformedValuesDoNotOpen() throws {
        let cipher = try SecretCipher(base64Key: SecretCipher.generateKey())
        let sealed = try cipher.seal("top secret value", context: "ctx")
        // Nonce, ciphertext and tag are all authenticated.
        for index in [0, 11, 12, 20, -1, -16] {
            #expect(throws: SecretCipher.Failure.self) { try cipher.open(try Self.tamper(sealed, at: index), context: "ctx") }
        }
        let truncated = "v2:" + Data(try #require(Data(base64Encoded: String(sealed.dropFirst(3)))).dropLast()).base64EncodedString()
        for bad in [truncated, String(sealed.dropFirst(3)), "v1:" + sealed.dropFirst(3), "v2:", "v2:AAAA", "v2:not base64!", "", "garbage"] {
            #expect(throws: SecretCipher.Failure.self) { try cipher.open(bad, context: "ctx") }
        }
    }

    @Test func aSealedValueOpensOnlyInItsOwnContext() throws {
        let cipher = try SecretCipher(base64Key: SecretCipher.generateKey())
        let sealed = try cipher.seal("sp-1's token", context: SealContext.synchronizationSecret(servicePrincipalId: "sp-1", key: "SecretToken"))
        #expect(try cipher.open(sealed, context: SealContext.synchronizationSecret(servicePrincipalId: "sp-1", key: "SecretToken")) == "sp-1's token")
        // Copied into another row, or under another key name, it does not open.
        #expect(throws: SecretCipher.Failure.self) {
            try cipher.open(sealed, context: SealContext.synchronizationSecret(servicePrincipalId: "sp-2", key: "SecretToken"))
        }
        #expect(throws: SecretCipher.Failure.self) {
            try cipher.open(sealed, context: SealContext.synchronizationSecret(servicePrincipalId: "sp-1", key: "BaseAddress"))
        }
    }

    @Test func wrongKeyDoesNotOpen() throws {
        let sealed = try SecretCipher(base64Key: SecretCipher.generateKey()).seal("for one key only", context: "ctx")
        let other = try SecretCipher(base64Key: SecretCipher.generateKey())
        #expect(throws: SecretCipher.Failure.self) { try other.open(sealed, context: "ctx") }
    }

    @Test func invalidKeysAreRejected() throws {
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        let long = Data(repeating: 7, count: 33).base64EncodedString()
        for key in [short, long, "", "not base64 at all", Data(repeating: 7, count: 31).base64EncodedString()] {
            #expect(throws: SecretCipher.Failure.self) { _ = try SecretCipher(base64Key: key) }
        }
        // Surrounding whitespace (a trailing newline in a key file) is fine.
        let key = SecretCipher.generateKey()
        let padded = try SecretCipher(base64Key: "  \(key)\n")
        #expect(try SecretCipher(base64Key: key).open(try padded.seal("x", context: "ctx"), context: "ctx") == "x")
        #expect(Data(base64Encoded: key)?.count == 32)
        #expect(SecretCipher.generateKey() != SecretCipher.generateKey())
    }

    @Test func loadOrCreateCreatesAPrivateKeyFileAndReloadsIt() throws {
        try Self.withDirectory { directory in
            let path = directory.appendingPathComponent("secret.key").path
            #expect(!FileManager.default.fileExists(atPath: path))
            let created = try SecretCipher.loadOrCreate(path: path, environmentValue: nil)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try Self.permissions(path) == 0o600)
            let contents = try String(contentsOfFile: path, encoding: .utf8)
            #expect(Data(base64Encoded: contents.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
            // No temporary files left beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["secret.key"])

            let sealed = try created.seal("persisted", context: "ctx")
            let reloaded = try SecretCipher.loadOrCreate(path: path, environmentValue: nil)
            #expect(try reloaded.open(sealed, context: "ctx") == "persisted")
            // An empty environment value counts as unset.
            let reloadedEmptyEnv = try SecretCipher.loadOrCreate(path: path, environmentValue: "")
            #expect(try reloadedEmptyEnv.open(sealed, context: "ctx") == "persisted")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
        }
    }

    @Test func loadOrCreateUsesTheEnvironmentValueFirst() throws {
        try Self.withDirectory { directory in
            let path = directory.appendingPathComponent("secret.key").path
            let fileCipher = try SecretCipher.loadOrCreate(path: path, environmentValue: nil)
            let environmentKey = SecretCipher.generateKey()
            let fromEnvironment = try SecretCipher.loadOrCreate(path: path, environmentValue: environmentKey)
            let sealed = try fromEnvironment.seal("env wins", context: "ctx")
            #expect(try SecretCipher(base64Key: environmentKey).open(sealed, context: "ctx") == "env wins")
            #expect(throws: SecretCipher.Failure.self) { try fileCipher.open(sealed, context: "ctx") }

            // With the environment value set, no key file is created.
            let otherPath = directory.appendingPathComponent("unused.key").path
            _ = try SecretCipher.loadOrCreate(path: otherPath, environmentValue: environmentKey)
            #expect(!FileManager.default.fileExists(atPath: otherPath))
        }
    }

    @Test func loadOrCreateRejectsInvalidKeys() throws {
        try Self.withDirectory { directory in
            let path = directory.appendingPathComponent("secret.key").path
            #expect(throws: SecretCipher.Failure.self) {
                _ = try SecretCipher.loadOrCreate(path: path, environmentValue: Data(repeating: 1, count: 16).base64EncodedString())
            }
            #expect(!FileManager.default.fileExists(atPath: path))
            try Data(Data(repeating: 1, count: 24).base64EncodedString().utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: SecretCipher.Failure.self) { _ = try SecretCipher.loadOrCreate(path: path, environmentValue: nil) }
        }
    }

    // MARK: - ClientSecretHasher

    @Test func clientSecretHasherVerifiesOnlyTheRightSecret() {
        let hasher = ClientSecretHasher()
        let secret = "Ab1~cd2.Ef3_gh4-IJ5kl6MN7op8QR9st0UV1wxY"
        let hash = hasher.hash(secret)
        #expect(hash.hasPrefix("hs256$"))
        #expect(!hash.contains(secret))
        #expect(hasher.verify(secret, against: hash))
        #expect(!hasher.verify(secret + "x", against: hash))
        #expect(!hasher.verify(String(secret.dropLast()), against: hash))
        #expect(!hasher.verify(secret.lowercased(), against: hash))
        #expect(!hasher.verify("", against: hash))
        let empty = hasher.hash("")
        #expect(hasher.verify("", against: empty))
        #expect(!hasher.verify(" ", against: empty))
    }

    @Test func clientSecretHashesAreSalted() {
        let hasher = ClientSecretHasher()
        let first = hasher.hash("same secret")
        let second = hasher.hash("same secret")
        #expect(first != second)
        #expect(first.split(separator: "$")[1] != second.split(separator: "$")[1])
        #expect(hasher.verify("same secret", against: first))
        #expect(hasher.verify("same secret", against: second))
    }

    @Test func clientSecretHasherRejectsMalformedHashes() {
        let hasher = ClientSecretHasher()
        let good = hasher.hash("secret")
        let parts = good.split(separator: "$").map(String.init)
        let malformed = [
            "", "$", "$$", "$$$", "hs256", "hs256$", "hs256$$", "hs256$AAAA", "hs256$!!!$AAAA", "hs256$AAAA$!!!",
            "hs512$\(parts[1])$\(parts[2])", "HS256$\(parts[1])$\(parts[2])", good + "$extra", "hs256$\(parts[1])$AAAA",
            "hs256$\(parts[1])$\(parts[2].dropLast(4))", "pbkdf2-sha256$1000$\(parts[1])$\(parts[2])", "plain text",
            "hs256$$\(parts[2])", "hs256$\(parts[1])$",
        ]
        for hash in malformed {
            #expect(!hasher.verify("secret", against: hash), "accepted \(hash)")
        }
    }

    // MARK: - PasswordHasher

    @Test func passwordHasherVerifiesOnlyTheRightPassword() {
        let hasher = PasswordHasher(rounds: 1000)
        let hash = hasher.hash("P@ssw0rd!")
        #expect(hash.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(!hash.contains("P@ssw0rd!"))
        #expect(hasher.verify("P@ssw0rd!", against: hash))
        #expect(!hasher.verify("p@ssw0rd!", against: hash))
        #expect(!hasher.verify("P@ssw0rd", against: hash))
        #expect(!hasher.verify("", against: hash))
        // The rounds are read from the hash, so a hasher with other settings still verifies it.
        #expect(PasswordHasher(rounds: 5).verify("P@ssw0rd!", against: hash))
        let unicode = hasher.hash("pässwörd ✓")
        #expect(hasher.verify("pässwörd ✓", against: unicode))
    }

    @Test func passwordHashesAreSalted() {
        let hasher = PasswordHasher(rounds: 1000)
        let first = hasher.hash("same password")
        let second = hasher.hash("same password")
        #expect(first != second)
        #expect(first.split(separator: "$")[2] != second.split(separator: "$")[2])
        #expect(hasher.verify("same password", against: first))
        #expect(hasher.verify("same password", against: second))
    }

    @Test func passwordHasherRejectsMalformedHashes() {
        let hasher = PasswordHasher(rounds: 1000)
        let good = hasher.hash("password")
        let parts = good.split(separator: "$").map(String.init)
        let malformed = [
            "", "$", "$$$$", "pbkdf2-sha256", "pbkdf2-sha256$1000", "pbkdf2-sha256$1000$\(parts[2])",
            "pbkdf2-sha256$0$\(parts[2])$\(parts[3])", "pbkdf2-sha256$-5$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$abc$\(parts[2])$\(parts[3])", "pbkdf2-sha256$1000$!!!$\(parts[3])", "pbkdf2-sha256$1000$\(parts[2])$!!!",
            "pbkdf2-sha512$1000$\(parts[2])$\(parts[3])", good + "$extra", "pbkdf2-sha256$1001$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$1000$\(parts[2])$AAAA", "hs256$\(parts[2])$\(parts[3])", "pbkdf2-sha256$$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$1000$$\(parts[3])", "pbkdf2-sha256$ 1000$\(parts[2])$\(parts[3])",
        ]
        for hash in malformed {
            #expect(!hasher.verify("password", against: hash), "accepted \(hash)")
        }
    }

    // Regression (fixed): PasswordHasher.verify (Sources/GraphSyncAuthority/CredentialHashers.swift:41-46, 53) passes the rounds parsed
    // from the hash straight to `KDF.Insecure.PBKDF2.deriveKey(unsafeUncheckedRounds:)` under `try!`; swift-crypto
    // converts it with `UInt32(rounds)`, which traps for rounds > UInt32.max, so a malformed hash crashes the process
    // instead of returning false. Run as an exit test so the trap fails only this test.
    @Test func passwordHasherDoesNotCrashOnOutOfRangeRounds() async {
        await #expect(processExitsWith: .success) {
            let hasher = PasswordHasher(rounds: 1000)
            if hasher.verify("password", against: "pbkdf2-sha256$5000000000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA") { exit(1) }
            if hasher.verify("password", against: "pbkdf2-sha256$9223372036854775807$AAAAAAAAAAAAAAAAAAAAAA==$AAAA") { exit(1) }
        }
    }
}
