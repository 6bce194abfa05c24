import Foundation
import Synchronization

/// Decoded documents of a table that is read far more often than written (applications, service principals), keyed
/// by the stored JSON text itself: a row is still read from the database every time, so a change made by any node is
/// seen at once, but unchanged text is not decoded again. Holds at most `capacity` documents of at most
/// `largestDocument` bytes each (larger ones are decoded every time), and is emptied when full.
final class DecodedDocumentCache<Model: Decodable & Sendable>: Sendable {
    private let capacity: Int
    private let largestDocument = 16 * 1_024
    private let decoded = Mutex<[String: Model]>([:])

    init(capacity: Int = 1_024) {
        self.capacity = capacity
    }

    func model(for document: String) throws -> Model {
        guard document.utf8.count <= self.largestDocument else { return try JSONDecoder().decode(Model.self, from: Data(document.utf8)) }
        if let model = self.decoded.withLock({ $0[document] }) { return model }
        let model = try JSONDecoder().decode(Model.self, from: Data(document.utf8))
        self.decoded.withLock { cache in
            if cache.count >= self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[document] = model
        }
        return model
    }
}
