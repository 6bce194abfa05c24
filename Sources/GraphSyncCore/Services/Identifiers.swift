import Foundation

/// Makes identifiers and secrets in the formats Graph uses.
public enum Identifiers {
    /// A lowercase GUID, as Graph uses for directory object ids.
    public static func objectId() -> String { UUID().uuidString.lowercased() }

    /// An appRoleAssignment id: 43 characters of base64url.
    public static func appRoleAssignmentId() -> String { self.randomBase64URL(byteCount: 32) }

    /// A unifiedRoleAssignment id: base64url plus `-1`.
    public static func roleAssignmentId() -> String { self.randomBase64URL(byteCount: 32) + "-1" }

    /// An oAuth2PermissionGrant id: base64url.
    public static func permissionGrantId() -> String { self.randomBase64URL(byteCount: 32) }

    /// A 40-character client secret drawn from the alphabet Entra uses (`[A-Za-z0-9~._-]`).
    public static func clientSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-")
        var generator = SystemRandomNumberGenerator()
        return String((0..<40).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// A 20-character password with upper, lower, digit and symbol characters.
    public static func password() -> String {
        let sets = [Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), Array("abcdefghijkmnopqrstuvwxyz"), Array("23456789"), Array("!#%+-=?@")]
        var generator = SystemRandomNumberGenerator()
        var characters = (0..<20).map { index in
            let set = sets[index % sets.count]
            return set[Int(generator.next(upperBound: UInt64(set.count)))]
        }
        characters.shuffle(using: &generator)
        return String(characters)
    }

    private static func randomBase64URL(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
