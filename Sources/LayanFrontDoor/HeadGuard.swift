import NIOCore

/// Times and bounds every request head a client sends: a head not read whole within the header timeout gets 408
/// (a slowloris trickling bytes, or a socket opened and left silent), an over-long request line 414 and an
/// over-large head 431 — then the connection is closed. Bytes that pass are handed on unchanged.
final class HeadGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var framing: RequestFraming
    private let headerTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var timedHead = -1
    private var refused = false

    init(limits: RequestFraming.Limits, headerTimeout: TimeAmount) {
        self.framing = RequestFraming(limits: limits)
        self.headerTimeout = headerTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        // The first head is owed from the moment the connection opens: a silent socket is timed too.
        arm(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let buffer = unwrapInboundIn(data)
        switch framing.read(buffer.readableBytesView) {
        case .fine:
            if !framing.awaitingHead {
                timer?.cancel()
                timer = nil
            } else if framing.inPartialHead, timer == nil || timedHead != framing.headsCompleted {
                // A later head on a kept-alive connection: timed from its first byte (the wait before it is idle time).
                arm(context: context)
            }
            context.fireChannelRead(data)
        case .requestLineTooLong:
            refuse(.uriTooLong, context: context)
        case .headTooLarge:
            refuse(.headTooLarge, context: context)
        }
    }

    private func arm(context: ChannelHandlerContext) {
        timer?.cancel()
        timedHead = framing.headsCompleted
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: headerTimeout) {
            let (guardHandler, context) = loopBound.value
            guard guardHandler.framing.awaitingHead, guardHandler.timedHead == guardHandler.framing.headsCompleted else { return }
            guardHandler.refuse(.headTimeout, context: context)
        }
    }

    private func refuse(_ answer: GuardAnswer, context: ChannelHandlerContext) {
        refused = true
        timer?.cancel()
        timer = nil
        // Closing the client's connection closes the server's end too (Bridge), dropping the half-read request.
        context.writeAndFlush(wrapOutboundOut(answer.response(allocator: context.channel.allocator))).whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
