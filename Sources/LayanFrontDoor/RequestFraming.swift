/// Follows HTTP/1.1 message framing (RFC 9112 §6) on the bytes a client sends, just far enough to know when a
/// request head is being read, how long it is, and where its body ends, so the front door can time and bound heads
/// without parsing requests itself. Anything it cannot follow is left to the server's own parser (pass-through).
public struct RequestFraming: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Longest request line (method, target, version) before 414, as nginx's `large_client_header_buffers`.
        public var requestLine: Int
        /// Longest head (request line and every header field) before 431.
        public var head: Int

        public init(requestLine: Int = 8 * 1024, head: Int = 32 * 1024) {
            self.requestLine = requestLine
            self.head = head
        }
    }

    public enum Outcome: Sendable, Equatable {
        case fine
        case requestLineTooLong
        case headTooLarge
    }

    private enum Phase: Equatable {
        case head
        case body(remaining: Int)
        case chunkSize(line: [UInt8])
        case chunkData(remaining: Int)
        case chunkDataEnd(seen: Int)
        case trailers(lineLength: Int)
        case passThrough
    }

    public let limits: Limits
    private var phase = Phase.head
    private var headBytes: [UInt8] = []
    private var requestLineEnded = false
    /// How many heads have been read whole: the front door re-arms its timer when a new one starts.
    public private(set) var headsCompleted = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Between requests, or part-way through a head: the times when a client owes the server a head.
    public var awaitingHead: Bool { phase == .head }
    /// Part-way through a head: some of it has arrived, not all.
    public var inPartialHead: Bool { phase == .head && !headBytes.isEmpty }

    public mutating func read(_ bytes: some Collection<UInt8>) -> Outcome {
        var index = bytes.startIndex
        while index != bytes.endIndex {
            switch phase {
            case .passThrough:
                return .fine
            case .body(let remaining):
                let available = bytes.distance(from: index, to: bytes.endIndex)
                let taken = min(available, remaining)
                index = bytes.index(index, offsetBy: taken)
                phase = remaining - taken == 0 ? .head : .body(remaining: remaining - taken)
            case .chunkData(let remaining):
                let available = bytes.distance(from: index, to: bytes.endIndex)
                let taken = min(available, remaining)
                index = bytes.index(index, offsetBy: taken)
                phase = remaining - taken == 0 ? .chunkDataEnd(seen: 0) : .chunkData(remaining: remaining - taken)
            default:
                let outcome = step(bytes[index])
                index = bytes.index(after: index)
                if outcome != .fine { return outcome }
            }
        }
        return .fine
    }

    private mutating func step(_ byte: UInt8) -> Outcome {
        switch phase {
        case .head:
            // Empty lines before a request line are ignored (RFC 9112 §2.2).
            if headBytes.isEmpty, byte == .cr || byte == .lf { return .fine }
            headBytes.append(byte)
            if headBytes.count > limits.head { return .headTooLarge }
            if byte == .lf { requestLineEnded = true }
            if !requestLineEnded, headBytes.count > limits.requestLine { return .requestLineTooLong }
            if byte == .lf, headBytes.endsWithBlankLine { finishHead() }
        case .chunkSize(var line):
            if byte == .lf {
                guard let size = Self.chunkSize(line) else { phase = .passThrough; return .fine }
                phase = size == 0 ? .trailers(lineLength: 0) : .chunkData(remaining: size)
            } else {
                line.append(byte)
                phase = line.count > 1024 ? .passThrough : .chunkSize(line: line)
            }
        case .chunkDataEnd(let seen):
            // The CRLF after a chunk's data.
            if byte == .lf { phase = .chunkSize(line: []) } else { phase = seen < 1 ? .chunkDataEnd(seen: seen + 1) : .passThrough }
        case .trailers(let lineLength):
            if byte == .lf {
                if lineLength == 0 { phase = .head } else { phase = .trailers(lineLength: 0) }
            } else if byte != .cr {
                phase = lineLength > limits.head ? .passThrough : .trailers(lineLength: lineLength + 1)
            }
        case .body, .chunkData, .passThrough:
            break
        }
        return .fine
    }

    /// A whole head: read its framing fields and move on to its body, if it has one.
    private mutating func finishHead() {
        let framing = HeadFields(headBytes)
        headBytes.removeAll(keepingCapacity: true)
        requestLineEnded = false
        headsCompleted += 1
        switch framing.body {
        case .none: phase = .head
        case .length(let length): phase = length == 0 ? .head : .body(remaining: length)
        case .chunked: phase = .chunkSize(line: [])
        case .unknown: phase = .passThrough
        }
    }

    private static func chunkSize(_ line: [UInt8]) -> Int? {
        var digits = line.prefix { $0 != UInt8(ascii: ";") }[...]
        while let last = digits.last, last == .cr || last == .space || last == .tab { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        return Int(String(decoding: digits, as: UTF8.self), radix: 16)
    }
}

/// The two header fields that say where a request body ends (RFC 9112 §6.1–6.3).
private struct HeadFields {
    enum Body { case none, length(Int), chunked, unknown }
    let body: Body

    init(_ head: [UInt8]) {
        let text = String(decoding: head, as: UTF8.self)
        var lengths = Set<String>()
        var codings: [String] = []
        var upgrade = false
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r")
            switch name {
            case "content-length": lengths.insert(value)
            case "transfer-encoding": codings += value.split(separator: ",").map { $0.trimmingCharacters(in: " \t").lowercased() }
            case "upgrade": upgrade = true
            default: break
            }
        }
        if upgrade {
            body = .unknown  // after a protocol switch the bytes are no longer HTTP/1.1 messages
        } else if !codings.isEmpty {
            body = codings.last == "chunked" ? .chunked : .unknown
        } else if lengths.count == 1, let length = Int(lengths.first!), length >= 0 {
            body = .length(length)
        } else {
            body = lengths.isEmpty ? .none : .unknown
        }
    }
}

private extension String.SubSequence {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

private extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
}

private extension Array where Element == UInt8 {
    /// Ends with LF LF or LF CR LF: the blank line that closes a head.
    var endsWithBlankLine: Bool {
        guard count >= 2, last == .lf else { return false }
        if self[count - 2] == .lf { return true }
        return count >= 3 && self[count - 2] == .cr && self[count - 3] == .lf
    }
}
