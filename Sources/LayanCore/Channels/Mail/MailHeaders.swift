import Foundation

/// The header section of a message or a MIME part (RFC 5322 §2.2): unfolded, in order, names compared without case.
public struct MailHeaders: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        /// As it stood, unfolded: encoded words are still encoded.
        public let rawValue: String
    }

    public private(set) var fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    /// Reads header lines (already split off the body). A line that is neither a field nor a continuation is skipped,
    /// as mail clients do, rather than failing the message.
    public init(text: String) {
        var fields: [Field] = []
        var current: (name: String, value: String)?
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if let first = line.first, first == " " || first == "\t" {
                current?.value += String(line)
                continue
            }
            if let current { fields.append(Field(name: current.name, rawValue: current.value.trimmingCharacters(in: .whitespaces))) }
            current = nil
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else { continue }
            current = (name, String(line[line.index(after: colon)...]))
        }
        if let current { fields.append(Field(name: current.name, rawValue: current.value.trimmingCharacters(in: .whitespaces))) }
        self.fields = fields
    }

    /// The first field of that name, raw.
    public func raw(_ name: String) -> String? { fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.rawValue }

    /// The first field of that name with its encoded words decoded (RFC 2047), control characters removed.
    public func text(_ name: String) -> String? { raw(name).map(EncodedWords.decode).map(MailText.singleLine) }

    public func contains(_ name: String) -> Bool { raw(name) != nil }
}

/// RFC 2047 encoded words in header text: `=?charset?B?…?=` and `=?charset?Q?…?=`, with the white space between two
/// adjacent encoded words dropped (§6.2). A word that does not decode stays as it was.
public enum EncodedWords {
    public static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var output = ""
        var rest = text[...]
        var pendingSpace = ""
        var lastWasEncoded = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            if let (decoded, end) = word(at: start.lowerBound, in: rest) {
                let gap = String(before)
                if lastWasEncoded && gap.allSatisfy({ $0 == " " || $0 == "\t" }) {
                    // Adjacent encoded words: the space between them is not part of the text.
                } else {
                    output += pendingSpace + gap
                }
                pendingSpace = ""
                output += decoded
                lastWasEncoded = true
                rest = rest[end...]
            } else {
                output += pendingSpace + before + "=?"
                pendingSpace = ""
                lastWasEncoded = false
                rest = rest[start.upperBound...]
            }
        }
        return output + pendingSpace + rest
    }

    /// One encoded word starting at `start`: its text and where it ends.
    private static func word(at start: Substring.Index, in text: Substring) -> (String, Substring.Index)? {
        let afterOpen = text.index(start, offsetBy: 2)
        guard let q1 = text[afterOpen...].firstIndex(of: "?") else { return nil }
        var charset = String(text[afterOpen..<q1])
        // RFC 2231 §5: a language after `*` in the charset.
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        let encodingStart = text.index(after: q1)
        guard encodingStart < text.endIndex, let q2 = text[encodingStart...].firstIndex(of: "?"), text.distance(from: encodingStart, to: q2) == 1 else { return nil }
        let encoding = text[encodingStart].uppercased()
        let payloadStart = text.index(after: q2)
        guard let close = text[payloadStart...].range(of: "?=") else { return nil }
        let payload = text[payloadStart..<close.lowerBound]
        guard !payload.contains(" ") || encoding == "B" else { return nil }
        let bytes: [UInt8]
        switch encoding {
        case "B": bytes = TransferEncoding.base64(Array(payload.utf8))
        case "Q": bytes = TransferEncoding.quotedPrintable(Array(payload.utf8), underscoreIsSpace: true)
        default: return nil
        }
        return (MailCharset.decode(bytes, charset: charset), close.upperBound)
    }
}

/// Parameters of a structured header (`Content-Type`, `Content-Disposition`): the value before the first `;` and
/// its parameters, with quoted strings, RFC 2231 continuations (`name*0=`, `name*1=`) and charsets (`name*=utf-8''…`),
/// and RFC 2047 words some clients put in quoted file names.
public struct HeaderParameters: Sendable, Equatable {
    /// Lowercased: `text/plain`, `attachment`.
    public let value: String
    private let parameters: [String: String]

    public init(_ raw: String) {
        let pieces = Self.split(raw)
        value = (pieces.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        var plain: [String: String] = [:]
        var continued: [String: [(Int, String, Bool)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var text = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\"") { text = Self.unquote(text) }
            var encoded = false
            if name.hasSuffix("*") { encoded = true; name.removeLast() }
            if let star = name.firstIndex(of: "*"), let index = Int(name[name.index(after: star)...]) {
                continued[String(name[..<star]), default: []].append((index, text, encoded))
            } else if encoded {
                plain[name] = Self.extended(text)
            } else if plain[name] == nil {
                plain[name] = text
            }
        }
        for (name, sections) in continued {
            let ordered = sections.sorted { $0.0 < $1.0 }
            // The charset is named in the first encoded section; later encoded sections are percent-encoded in it.
            var charset = "us-ascii"
            var bytes: [UInt8] = []
            for (position, section) in ordered.enumerated() {
                var text = section.1
                if section.2, position == 0 {
                    let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if parts.count == 3 { charset = String(parts[0]); text = String(parts[2]) }
                }
                bytes += section.2 ? Self.percentDecoded(text) : Array(text.utf8)
            }
            plain[name] = MailCharset.decode(bytes, charset: charset)
        }
        parameters = plain
    }

    public subscript(_ name: String) -> String? { parameters[name.lowercased()] }

    /// `charset'language'percent-encoded` (RFC 2231 §4).
    private static func extended(_ text: String) -> String {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return MailCharset.decode(percentDecoded(text), charset: "us-ascii") }
        return MailCharset.decode(percentDecoded(String(parts[2])), charset: String(parts[0]))
    }

    private static func percentDecoded(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2, let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// Splits on `;` outside quoted strings.
    private static func split(_ raw: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in raw {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where quoted: escaped = true; current.append(character)
            case "\"": quoted.toggle(); current.append(character)
            case ";" where !quoted: pieces.append(current); current = ""
            default: current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }

    private static func unquote(_ text: String) -> String {
        var output = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped { output.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "\"" { break }
            output.append(character)
        }
        return EncodedWords.decode(output)
    }
}

/// An address from `From`/`Reply-To` (RFC 5322 §3.4): the first mailbox, with its display name decoded.
public struct MailAddress: Sendable, Equatable {
    public let address: String
    public let name: String?

    public init(address: String, name: String?) { (self.address, self.name) = (address, name) }

    public init?(header raw: String) {
        // An angle address wins: `"Name" <a@b>`, `Name <a@b>`, `=?utf-8?…?= <a@b>`.
        if let open = raw.firstIndex(of: "<"), let close = raw[open...].firstIndex(of: ">") {
            let inside = raw[raw.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            let address = inside.split(separator: ":").last.map(String.init) ?? inside   // an obsolete route `@a,@b:x@y`
            guard address.contains("@") else { return nil }
            var name = raw[..<open].trimmingCharacters(in: .whitespaces)
            if let comma = name.lastIndex(of: ","), !name.hasPrefix("\"") { name = name[name.index(after: comma)...].trimmingCharacters(in: .whitespaces) }
            if name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 { name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"") }
            self.init(address: address, name: MailText.singleLine(EncodedWords.decode(name)).nilIfEmpty)
            return
        }
        // A bare address, perhaps with a comment: `a@b (Name)`.
        var comment: String?
        var text = raw
        if let open = raw.firstIndex(of: "("), let close = raw.lastIndex(of: ")"), open < close {
            comment = String(raw[raw.index(after: open)..<close])
            text = String(raw[..<open]) + String(raw[raw.index(after: close)...])
        }
        let token = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).first { $0.contains("@") }
        guard let token else { return nil }
        self.init(address: String(token), name: comment.map { MailText.singleLine(EncodedWords.decode($0)) }?.nilIfEmpty)
    }
}

/// Message ids in `Message-ID`, `In-Reply-To` and `References`, without their angle brackets.
public enum MessageIDs {
    public static func all(in raw: String?) -> [String] {
        guard let raw else { return [] }
        var ids: [String] = []
        var rest = raw[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            if !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty, let bare = raw.split(whereSeparator: \.isWhitespace).first, bare.contains("@") { ids.append(String(bare)) }
        return ids
    }
}
