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
///
/// Requests only move a deadline value; one repeating check per connection (every eighth of the shorter timeout)
/// closes the connection once its deadline has passed, so a keep-alive request schedules no timer of its own.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// When the connection is closed unless something happens; nil while the server works on requests.
    private var deadline: NIODeadline?
    private var check: RepeatedTask?
    private var receiving = false
    /// Requests fully received whose responses are not yet fully written.
    private var outstanding = 0

    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.arm(context, self.requestTimeout)
        let interval = TimeAmount.nanoseconds(max(10_000_000, min(self.requestTimeout, self.idleTimeout).nanoseconds / 8))
        let channel = context.channel
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.check = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { task in
            guard let deadline = handler.value.deadline, deadline <= .now() else { return }
            task.cancel()
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.stop()
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
        self.stop()
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        self.deadline = .now() + timeout
    }

    private func stop() {
        self.check?.cancel()
        self.check = nil
        self.deadline = nil
    }
}
