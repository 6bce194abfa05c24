import NIOCore
import NIOHTTPTypes

/// Closes connections that hold the server without asking anything of it:
/// - a new connection must deliver its first complete request (TLS handshake, head and body) within `requestTimeout`;
/// - once a request's head has arrived, its body must be complete within `requestTimeout`;
/// - a connection with nothing in progress waits at most `idleTimeout` for the next request's head.
///
/// It sits behind TLS and the HTTP codec, so a client that never completes the TLS handshake, sends half a header
/// (slowloris) or drips a body is cut off. While the server works on requests (pipelined ones included) nothing is
/// timed.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var receiving = false
    /// Requests fully received whose responses are not yet fully written.
    private var outstanding = 0

    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.arm(context, self.requestTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head:
            // A new request: its body must arrive within the request timeout (the server is not timed meanwhile).
            self.receiving = true
            if self.outstanding == 0 { self.arm(context, self.requestTimeout) }
        case .body:
            break
        case .end:
            self.receiving = false
            self.outstanding += 1
            self.deadline?.cancel()
            self.deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) {
            self.outstanding = max(0, self.outstanding - 1)
            if self.outstanding == 0 && !self.receiving { self.arm(context, self.idleTimeout) }
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        self.deadline?.cancel()
        let channel = context.channel
        self.deadline = context.eventLoop.scheduleTask(in: timeout) {
            channel.close(promise: nil)
        }
    }
}
