import NIOCore

/// One end of a byte bridge between the client's connection and the server's: what one end reads the other writes,
/// reading pauses while the other end cannot keep up, and when either end closes so does the other. Both channels
/// run on one event loop, so the pair needs no locks.
final class Bridge: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: Bridge?
    private var context: ChannelHandlerContext?
    private var pendingRead = false

    static func pair() -> (Bridge, Bridge) {
        let first = Bridge(), second = Bridge()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private func partnerClosed() { context?.close(promise: nil) }
    private var writable: Bool { context?.channel.isWritable ?? false }

    private func partnerBecameWritable() {
        guard pendingRead else { return }
        pendingRead = false
        context?.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.partnerWrite(data) }
    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }
    func channelInactive(context: ChannelHandlerContext) { partner?.partnerClosed() }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        partner?.partnerClosed()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if partner?.writable ?? false { context.read() } else { pendingRead = true }
    }
}
