import Foundation
import GraphSyncCore

/// A reversible stand-in for AES-GCM (tested in GraphSyncAuthorityTests): storage tests only need to see that values
/// pass through the sealer and never reach the table in clear.
public struct TestSealer: SecretSealer {
    public init() {}

    public func seal(_ plaintext: String, context: String) throws -> String {
        "sealed:" + Data(context.utf8).base64EncodedString() + ":" + Data(plaintext.utf8).base64EncodedString()
    }
    public func open(_ sealed: String, context: String) throws -> String {
        let parts = sealed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "sealed", Data(base64Encoded: String(parts[1])) == Data(context.utf8),
            let data = Data(base64Encoded: String(parts[2]))
        else {
            throw CocoaError(.coderInvalidValue)
        }
        return String(decoding: data, as: UTF8.self)
    }
    public func isLegacy(_ sealed: String) -> Bool { false }
    public func openLegacy(_ sealed: String) throws -> String { throw CocoaError(.coderInvalidValue) }
}
