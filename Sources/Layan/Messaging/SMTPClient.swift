import Foundation
import LayanCore
import NIOCore
import NIOPosix

/// A small SMTP client (RFC 5321) for the agency's relay: EHLO, MAIL, RCPT, DATA, QUIT, over plain TCP.
/// Government relays inside the network take mail this way; TLS and AUTH are not supported yet.
struct SMTPClient: Sendable {
    let host: String
    let port: Int
    let heloName: String
    var timeout: TimeAmount = .seconds(30)

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// 5xx replies will not succeed on a retry.
        let permanent: Bool
    }

    func send(_ message: MailMessage, at date: Date) async throws {
        guard MailMessage.isSafeEnvelopeAddress(message.from), MailMessage.isSafeEnvelopeAddress(message.to) else {
            throw Failure(description: "unsafe address", permanent: true)
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    var replies = ReplyReader(iterator: inbound.makeAsyncIterator())
                    func command(_ line: String?, expect: ClosedRange<Int>) async throws {
                        if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                        let (code, text) = try await replies.next()
                        guard expect.contains(code) else {
                            throw Failure(description: "\(line?.prefix(20) ?? "greeting") → \(code) \(text)", permanent: code >= 500)
                        }
                    }
                    try await command(nil, expect: 220...220)
                    try await command("EHLO \(heloName)", expect: 250...250)
                    try await command("MAIL FROM:<\(message.from)>", expect: 250...250)
                    try await command("RCPT TO:<\(message.to)>", expect: 250...251)
                    try await command("DATA", expect: 354...354)
                    try await command(Self.dotStuffed(message.rendered(date: date)) + ".", expect: 250...250)
                    try? await command("QUIT", expect: 221...221)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(Int64(timeout.nanoseconds / 1_000_000_000)))
                throw Failure(description: "timed out", permanent: false)
            }
            do {
                try await group.next()
                group.cancelAll()
            } catch {
                group.cancelAll()
                try? await channel.channel.close()
                throw error
            }
        }
    }

    /// Lines starting with "." get another, so the message cannot end the DATA section early.
    static func dotStuffed(_ text: String) -> String {
        text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    /// Reads SMTP replies, which may span several "250-…" lines before the final "250 …".
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func line() async throws -> String {
            while true {
                if let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending.removeSubrange(..<range.upperBound)
                    return line
                }
                guard var buffer = try await iterator.next() else { throw Failure(description: "connection closed", permanent: false) }
                pending += buffer.readString(length: buffer.readableBytes) ?? ""
                if pending.count > 65_536 { throw Failure(description: "reply too long", permanent: false) }
            }
        }

        mutating func next() async throws -> (Int, String) {
            while true {
                let line = try await line()
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw Failure(description: "bad reply: \(line.prefix(40))", permanent: false) }
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, String(line.dropFirst(4))) }
            }
        }
    }
}
