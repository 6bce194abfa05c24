import NIOCore
import NIOHTTPTypes

/// Closes connections that hold the server without asking anything of it: a client must finish sending each request
/// (head and body) within `requestTimeout` of starting the connection or of the previous response, and an idle
/// keep-alive connection waits at most `idleTimeout` for its next request.
///
/// It sits behind TLS and the HTTP codec, so a client that never completes the TLS handshake, sends half a header
/// (slowloris) or drips a body is cut off by the same timer. While the server works on a request nothing is timed.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var receiving = false

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
            // A new request: its head and body must arrive within the request timeout.
            if !self.receiving { self.arm(context, self.requestTimeout) }
            self.receiving = true
        case .body:
            break
        case .end:
            self.receiving = false
            self.deadline?.cancel()
            self.deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data), !self.receiving {
            self.arm(context, self.idleTimeout)
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
