import Foundation
import Hummingbird

/// The ids Graph puts on every response: `request-id` (ours) and `client-request-id` (the client's, else ours).
public struct RequestIdentifiers: Sendable {
    public var requestId: String
    public var clientRequestId: String

    public init(request: Request) {
        let requestId = UUID().uuidString.lowercased()
        self.requestId = requestId
        let supplied = request.headers[.clientRequestId].map { String($0.prefix(128)) }
        self.clientRequestId = supplied.flatMap { $0.isEmpty ? nil : $0 } ?? requestId
    }
}
