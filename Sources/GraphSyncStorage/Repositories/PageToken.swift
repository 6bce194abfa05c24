import Foundation
import GraphSyncCore

/// The continuation of a sorted page: the last row's id, then its sort key in base64 (`id.a2V5`).
enum PageToken {
    static func make(value: String, id: String) -> String {
        "\(id).\(Data(value.utf8).base64EncodedString())"
    }

    /// The sort key and id of `token`; one this store did not make is `StoreError.invalidSkipToken`.
    static func parse(_ token: String) throws -> (value: String, id: String) {
        guard let dot = token.firstIndex(of: "."), let data = Data(base64Encoded: String(token[token.index(after: dot)...])),
            let value = String(data: data, encoding: .utf8)
        else { throw StoreError.invalidSkipToken }
        return (value, String(token[..<dot]))
    }
}
