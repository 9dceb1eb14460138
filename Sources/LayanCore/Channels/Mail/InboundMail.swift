import Crypto
import Foundation

/// A message that arrived by e-mail (issue #17, item 2), read from its raw RFC 5322 bytes: who sent it, what it says
/// as plain text, its files, the ids that tie a reply to what we sent, and whether a machine sent it.
/// Reading is lenient, as mail clients are: odd and broken messages are read as far as they go; only a message with
/// nothing to go on is refused (`MailUnreadable`), and then it is kept whole by the caller.
public struct InboundMail: Sendable {
    public struct File: Sendable, Equatable {
        public let name: String
        public let contentType: String
        public let bytes: [UInt8]
    }

    public let headers: MailHeaders
    public let from: MailAddress
    /// Where the sender wants answers: `Reply-To` when it names a mailbox, else `From`.
    public let replyTo: MailAddress
    public let subject: String
    public let messageID: String?
    /// `In-Reply-To` then `References`, newest first: the messages this one answers.
    public let answers: [String]
    /// The text, HTML turned into plain text; empty when the message is only files.
    public let text: String
    public let files: [File]
    /// Why no one should answer this message (an auto-reply, a bounce, a list), or nil for a person's message.
    public let automatic: String?

    /// Limits that keep a hostile message from costing more than a normal one: MIME nesting and parts.
    public static let maximumDepth = 12
    public static let maximumParts = 200

    public static func parse(_ bytes: [UInt8]) throws(MailUnreadable) -> InboundMail {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { throw .empty }
        let entity = MIMEEntity(bytes[...])
        guard !entity.headers.fields.isEmpty else { throw .noHeaders }
        let headers = entity.headers
        guard let from = headers.raw("From").flatMap(MailAddress.init(header:)) ?? headers.raw("Sender").flatMap(MailAddress.init(header:))
                ?? headers.raw("Return-Path").flatMap(MailAddress.init(header:)) else { throw .noSender }
        var reader = BodyReader()
        reader.read(entity, depth: 0)
        let replyTo = headers.raw("Reply-To").flatMap(MailAddress.init(header:)) ?? from
        let answers = MessageIDs.all(in: headers.raw("In-Reply-To")) + MessageIDs.all(in: headers.raw("References")).reversed()
        return InboundMail(headers: headers, from: from, replyTo: replyTo, subject: headers.text("Subject") ?? "",
                           messageID: MessageIDs.all(in: headers.raw("Message-ID")).first, answers: answers,
                           text: MailText.cleaned(reader.texts.joined(separator: "\n\n")), files: reader.files,
                           automatic: AutomaticMail.reason(headers, from: from, isReport: reader.sawDeliveryReport))
    }
}

/// Why a message could not be read at all. The message is kept whole as a failed intake with this reason.
public enum MailUnreadable: Error, Sendable, Equatable, CustomStringConvertible {
    case empty, noHeaders, noSender

    public var description: String {
        switch self {
        case .empty: "The message is empty"
        case .noHeaders: "The message has no header section (not an RFC 5322 message)"
        case .noSender: "The message names no sender (From, Sender or Return-Path)"
        }
    }
}

/// Mail no one should answer (RFC 3834 §2, RFC 3464): answering it is how mail loops start.
public enum AutomaticMail {
    static func reason(_ headers: MailHeaders, from: MailAddress, isReport: Bool) -> String? {
        if let auto = headers.raw("Auto-Submitted")?.lowercased().trimmingCharacters(in: .whitespaces), !auto.hasPrefix("no") {
            return "Auto-Submitted: \(auto.prefix(40))"
        }
        if let precedence = headers.raw("Precedence")?.lowercased().trimmingCharacters(in: .whitespaces),
           ["bulk", "junk", "list", "auto_reply"].contains(precedence) { return "Precedence: \(precedence)" }
        for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Response"] where headers.contains(name) { return name }
        if headers.contains("List-Id") || headers.contains("List-Unsubscribe") { return "a mailing list (List-Id)" }
        if isReport { return "a delivery or disposition report (multipart/report)" }
        if let returnPath = headers.raw("Return-Path"), returnPath.replacingOccurrences(of: " ", with: "") == "<>" { return "a null sender (Return-Path: <>)" }
        let local = from.address.split(separator: "@").first.map { $0.lowercased() } ?? ""
        if ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"].contains(local) { return "sent by \(local)" }
        return nil
    }
}

/// A message or a MIME part: its headers and its body bytes, still encoded.
struct MIMEEntity {
    let headers: MailHeaders
    let body: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        var start = bytes.startIndex
        // An mbox separator line (`From sender date`) before the headers.
        if bytes.starts(with: Array("From ".utf8)), let newline = bytes.firstIndex(of: 0x0A) { start = newline + 1 }
        // The header section ends at the first empty line, or at the first line that is not a header field.
        var index = start
        var headerEnd = bytes.endIndex
        var bodyStart = bytes.endIndex
        var first = true
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var contentEnd = lineEnd
            if contentEnd > index && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = bytes[index..<contentEnd]
            if line.isEmpty {
                headerEnd = index
                bodyStart = min(lineEnd + 1, bytes.endIndex)
                break
            }
            let isContinuation = line.first == 0x20 || line.first == 0x09
            let isField = Self.isFieldLine(line)
            if !(isField || (isContinuation && !first)) {
                headerEnd = index
                bodyStart = index
                break
            }
            first = false
            index = min(lineEnd + 1, bytes.endIndex)
        }
        let headerBytes = Array(bytes[start..<headerEnd])
        headers = MailHeaders(text: String(validating: headerBytes, as: UTF8.self) ?? MailCharset.windows1252(headerBytes))
        body = bytes[bodyStart...]
    }

    private static func isFieldLine(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return false }
        // A field name is printable ASCII without spaces; some senders put spaces before the colon.
        var name = line[..<colon]
        while name.last == 0x20 || name.last == 0x09 { name = name.dropLast() }
        return !name.isEmpty && name.allSatisfy { $0 > 32 && $0 < 127 }
    }

    var contentType: HeaderParameters { HeaderParameters(headers.raw("Content-Type") ?? "text/plain") }
    var disposition: HeaderParameters? { headers.raw("Content-Disposition").map(HeaderParameters.init) }

    var decodedBody: [UInt8] { TransferEncoding.decode(body, encoding: headers.raw("Content-Transfer-Encoding")) }

    /// The parts between the boundary lines (RFC 2046 §5.1.1); nil when the boundary never appears.
    func parts(boundary: String) -> [ArraySlice<UInt8>]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex {
            let lineEnd = body[index...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[index..<lineEnd]
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                let closing = rest.starts(with: [0x2D, 0x2D])
                let tail = closing ? rest.dropFirst(2) : rest
                if tail.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let start = partStart {
                        // The line break before a delimiter belongs to the delimiter.
                        var end = index
                        if end > start && body[end - 1] == 0x0A { end -= 1 }
                        if end > start && body[end - 1] == 0x0D { end -= 1 }
                        parts.append(body[start..<max(start, end)])
                    }
                    if closing { return parts }
                    partStart = min(lineEnd + 1, body.endIndex)
                }
            }
            index = min(lineEnd + 1, body.endIndex)
            if parts.count >= InboundMail.maximumParts { return parts }
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return partStart == nil ? nil : parts
    }
}

/// Walks the MIME tree: the text a person wrote (plain text preferred over HTML in an alternative), files, and
/// messages forwarded inside it.
struct BodyReader {
    var texts: [String] = []
    var files: [InboundMail.File] = []
    var sawDeliveryReport = false
    private var parts = 0

    mutating func read(_ entity: MIMEEntity, depth: Int) {
        parts += 1
        guard parts <= InboundMail.maximumParts else { return }
        let type = entity.contentType
        let mediaType = type.value.contains("/") ? type.value : "text/plain"
        let disposition = entity.disposition
        let fileName = disposition?["filename"] ?? type["name"]
        if mediaType.hasPrefix("multipart/"), depth < InboundMail.maximumDepth, let boundary = type["boundary"], !boundary.isEmpty,
           let children = entity.parts(boundary: boundary) {
            if mediaType == "multipart/report" { sawDeliveryReport = true }
            let entities = children.map { MIMEEntity($0) }
            if mediaType == "multipart/alternative" {
                readAlternative(entities, depth: depth + 1)
            } else {
                for child in entities { read(child, depth: depth + 1) }
            }
            return
        }
        if mediaType.hasPrefix("multipart/") {
            // A multipart without its boundary: what is there is read as text.
            texts.append(MailCharset.decode(entity.decodedBody, charset: type["charset"]))
            return
        }
        let isAttachment = disposition?.value == "attachment" || (fileName != nil && !mediaType.hasPrefix("text/"))
        if mediaType == "message/rfc822", !isAttachment || fileName == nil, depth < InboundMail.maximumDepth {
            readForwarded(MIMEEntity(entity.decodedBody[...]), depth: depth + 1)
            return
        }
        if !isAttachment && (mediaType == "text/plain" || mediaType == "text/html" || mediaType == "text/enriched") {
            let text = MailCharset.decode(entity.decodedBody, charset: type["charset"])
            texts.append(mediaType == "text/html" ? HTMLText.plain(text) : text)
            return
        }
        if mediaType == "message/delivery-status" || mediaType == "message/disposition-notification" {
            sawDeliveryReport = true
            return
        }
        let bytes = entity.decodedBody
        guard !bytes.isEmpty else { return }
        files.append(.init(name: fileName.map { MailText.singleLine($0) } ?? "", contentType: mediaType, bytes: bytes))
    }

    /// One of the alternatives: plain text if there is one, else HTML, else the richest multipart.
    private mutating func readAlternative(_ entities: [MIMEEntity], depth: Int) {
        let types = entities.map { $0.contentType.value }
        if let plain = types.lastIndex(of: "text/plain") { read(entities[plain], depth: depth); return }
        if let html = types.lastIndex(of: "text/html") { read(entities[html], depth: depth); return }
        if let last = entities.last { read(last, depth: depth) }
    }

    private mutating func readForwarded(_ entity: MIMEEntity, depth: Int) {
        let heading = ["From", "Date", "Subject"].compactMap { name in entity.headers.text(name).map { "\(name): \($0)" } }
        texts.append((["---------- Forwarded message ----------"] + heading).joined(separator: "\n"))
        read(entity, depth: depth)
    }
}

extension InboundMail {
    /// What makes a second delivery of a message a duplicate: its Message-ID, or for a message without one a digest
    /// of its bytes (a relay that retries sends the same bytes).
    public static func deliveryID(messageID: String?, raw: [UInt8]) -> String {
        if let messageID, !messageID.isEmpty { return String(messageID.prefix(250)) }
        return "sha256:" + SHA256.hash(data: raw).map { String(format: "%02x", $0) }.joined()
    }

    /// The case reference in a subject (`Re: [ADU-2026-000123] Dalam tindakan`), as our notifications put it.
    public static func caseReference(inSubject subject: String) -> CaseReference? {
        var rest = subject[...]
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            if let reference = CaseReference(String(rest[rest.index(after: open)..<close])) { return reference }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }
}
