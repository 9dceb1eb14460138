import Foundation
import LayanCore
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321) for the agency's mail relay: EHLO, optionally STARTTLS (RFC 3207) or TLS from
/// the first byte, AUTH PLAIN (RFC 4954, only over TLS), MAIL, RCPT, DATA, QUIT. No SMTP package is available
/// offline, so it is written here on SwiftNIO.
struct SMTPClient: Sendable {
    enum Security: String, Sendable, CaseIterable {
        /// Plain TCP: a relay inside the agency's own network.
        case none
        /// Plain first, then upgraded with STARTTLS before anything else is said (port 587).
        case startTLS = "starttls"
        /// TLS from the first byte (port 465).
        case tls
    }

    struct Credentials: Sendable { let user: String; let password: String }

    let host: String
    let port: Int
    let heloName: String
    var security: Security = .none
    var credentials: Credentials?
    /// PEM file of the certificate authorities to trust, besides the system's (an agency's own CA).
    var trustRootsFile: String?
    var timeout: TimeAmount = .seconds(30)

    struct Failure: DeliveryFailure, CustomStringConvertible {
        let description: String
        /// 5xx replies and configuration errors will not succeed on a retry.
        let permanent: Bool
    }

    func send(_ message: MailMessage, at date: Date) async throws {
        guard MailMessage.isSafeEnvelopeAddress(message.from), MailMessage.isSafeEnvelopeAddress(message.to) else {
            throw Failure(description: "unsafe address", permanent: true)
        }
        if credentials != nil && security == .none {
            throw Failure(description: "refusing to send a password over an unencrypted connection: set LAYAN_SMTP_SECURITY", permanent: true)
        }
        let tls = security == .none ? nil : try makeTLSContext()
        let (lines, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let implicitTLS = security == .tls
        let host = self.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(LineReader(continuation: continuation))
                }
            }
            .connect(host: host, port: port).get()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.converse(message, at: date, channel: channel, lines: lines, tls: tls) }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    throw Failure(description: "timed out", permanent: false)
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            try? await channel.close()
            throw error
        }
        try? await channel.close()
    }

    private func converse(_ message: MailMessage, at date: Date, channel: any Channel, lines: AsyncThrowingStream<String, any Error>,
                          tls: NIOSSLContext?) async throws {
        var replies = ReplyReader(iterator: lines.makeAsyncIterator())
        @discardableResult
        func command(_ line: String?, expect: ClosedRange<Int>, shown: String? = nil) async throws -> String {
            if let line {
                do {
                    try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")).get()
                } catch {
                    // Why the channel closed (a refused certificate, say) arrives on the read side: report that.
                    _ = try await replies.next()
                    throw error
                }
            }
            let (code, text) = try await replies.next()
            guard expect.contains(code) else {
                throw Failure(description: "\(shown ?? line.map { String($0.prefix(20)) } ?? "greeting") → \(code) \(text.prefix(200))", permanent: code >= 500)
            }
            return text
        }
        try await command(nil, expect: 220...220)
        var capabilities = try await command("EHLO \(heloName)", expect: 250...250)
        if security == .startTLS, let tls {
            guard capabilities.uppercased().contains("STARTTLS") else { throw Failure(description: "the relay does not offer STARTTLS", permanent: true) }
            try await command("STARTTLS", expect: 220...220)
            try await channel.pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host), position: .first).get()
            capabilities = try await command("EHLO \(heloName)", expect: 250...250)
        }
        if let credentials {
            let token = Data("\u{0}\(credentials.user)\u{0}\(credentials.password)".utf8).base64EncodedString()
            try await command("AUTH PLAIN \(token)", expect: 235...235, shown: "AUTH PLAIN")
        }
        _ = capabilities
        try await command("MAIL FROM:<\(message.from)>", expect: 250...250)
        try await command("RCPT TO:<\(message.to)>", expect: 250...251)
        try await command("DATA", expect: 354...354)
        try await command(Self.dotStuffed(message.rendered(date: date)) + ".", expect: 250...250, shown: "message")
        try? await command("QUIT", expect: 221...221)
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = trustRootsFile {
            configuration.additionalTrustRoots = [.file(file)]
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw Failure(description: "TLS set-up failed: \(error)", permanent: true)
        }
    }

    /// Lines starting with "." get another, so the message cannot end the DATA section early.
    static func dotStuffed(_ text: String) -> String {
        text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    /// Reads SMTP replies, which may span several "250-…" lines before the final "250 …"; returns the code and
    /// every line's text (the EHLO capabilities).
    struct ReplyReader {
        var iterator: AsyncThrowingStream<String, any Error>.AsyncIterator

        mutating func next() async throws -> (Int, String) {
            var text: [String] = []
            while true {
                guard let line = try await iterator.next() else { throw Failure(description: "connection closed", permanent: false) }
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw Failure(description: "bad reply: \(line.prefix(40))", permanent: false) }
                text.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, text.joined(separator: "\n")) }
            }
        }
    }
}

/// Splits what the relay sends into CRLF-terminated lines for `ReplyReader`.
private final class LineReader: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used only on its channel's event loop; the continuation is thread-safe.
    typealias InboundIn = ByteBuffer
    let continuation: AsyncThrowingStream<String, any Error>.Continuation
    var pending = ""

    init(continuation: AsyncThrowingStream<String, any Error>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readString(length: buffer.readableBytes) ?? ""
        while let range = pending.range(of: "\r\n") {
            continuation.yield(String(pending[..<range.lowerBound]))
            pending.removeSubrange(..<range.upperBound)
        }
        if pending.count > 65_536 { continuation.finish(throwing: SMTPClient.Failure(description: "reply too long", permanent: false)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: SMTPClient.Failure(description: "\(error)", permanent: false))
        context.close(promise: nil)
    }
}
