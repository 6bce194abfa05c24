import Foundation
import GraphSyncCore
import Hummingbird
import Logging

/// A request context that carries Graph's request ids.
public protocol GraphContext: RequestContext {
    var requestIdentifiers: RequestIdentifiers? { get }
}

/// The context of every request: request ids, where the connection comes from, and the caller once a bearer token
/// has been verified.
public struct AppRequestContext: GraphContext {
    public var coreContext: CoreRequestContextStorage
    public var requestIdentifiers: RequestIdentifiers?
    public var caller: Caller?
    /// The connection's peer, as the sign-in throttles key it (behind a proxy, the proxy: see `SourceAddress`).
    public let sourceAddress: SourceAddress
    /// True for a request of a JSON batch, dispatched inside the server (`InProcessResponder`): it cannot batch again.
    public var inBatch = false

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.sourceAddress = SourceAddress(ip: source.channel.remoteAddress?.ipAddress)
    }

    /// The context of a request made inside the server, which has no channel of its own.
    init(inProcess logger: Logger) {
        self.coreContext = .init(source: InProcessSource(logger: logger))
        // No connection of its own; the routes a batch reaches (Graph's) throttle nothing by address.
        self.sourceAddress = SourceAddress(ip: nil)
        self.inBatch = true
    }

    /// Graph accepts request bodies up to 1 MiB here; larger ones get 413.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The context of Graph routes: the caller is known (the compiler guarantees every handler has one).
public struct AuthenticatedContext: ChildRequestContext, GraphContext {
    public var coreContext: CoreRequestContextStorage
    public var requestIdentifiers: RequestIdentifiers?
    public let caller: Caller
    public let inBatch: Bool

    public init(context: AppRequestContext) throws {
        guard let caller = context.caller else { throw GraphError.unauthorized(TokenFailureMessages.missing) }
        self.coreContext = context.coreContext
        self.requestIdentifiers = context.requestIdentifiers
        self.caller = caller
        self.inBatch = context.inBatch
    }

    public var maxUploadSize: Int { 1 << 20 }
}

private struct InProcessSource: RequestContextSource {
    let logger: Logger
}

enum TokenFailureMessages {
    static let missing = "Access token is empty."
}
