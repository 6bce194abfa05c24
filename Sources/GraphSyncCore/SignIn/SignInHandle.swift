import Crypto
import Foundation

/// Handles the sign-in flows give out (codes, refresh tokens, device codes, session cookies) and how they are kept:
/// 256 random bits, base64url, stored only as their SHA-256 so a database reader cannot use them.
public enum SignInHandle {
    /// A new random handle.
    public static func new(byteCount: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URLEncoded
    }

    /// The key a handle is stored under.
    public static func storageId(of handle: String) -> String { self.sha256Hex(handle) }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// RFC 7636 §4.6: `BASE64URL(SHA256(code_verifier)) == code_challenge`, for a verifier of 43–128 unreserved characters.
    public static func verifierMatches(_ verifier: String, challenge: String) -> Bool {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        guard (43...128).contains(verifier.count), verifier.unicodeScalars.allSatisfy(unreserved.contains) else { return false }
        let computed = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded
        return self.constantTimeEquals(computed, challenge)
    }

    /// Whether two secrets are equal, in time that does not depend on where they first differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The S256 challenge of a verifier.
    public static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded
    }

    /// A device flow's user code: 9 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    public static func userCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<9).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// A user code as typed (spaces, dashes and case ignored).
    public static func normalizedUserCode(_ typed: String) -> String {
        String(typed.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(32))
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5).
    var base64URLEncoded: String {
        self.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
