import Foundation

/// One line of Asterisk's `queue_log`: `epoch|callid|queue|agent|EVENT|data1|data2…` (references.md).
/// Read from bytes, so a million-line file is split without building a `String` per field it does not need.
public struct QueueLogLine: Sendable, Equatable {
    public let epoch: Int
    public let callID: String
    public let queue: String
    public let agent: String
    public let event: QueueLogEvent
    public let data: [String]
    /// The line as it was written (without its line break): what is kept for a call still in progress.
    public let text: String

    public init(epoch: Int, callID: String, queue: String, agent: String, event: QueueLogEvent, data: [String], text: String) {
        self.epoch = epoch; self.callID = callID; self.queue = queue; self.agent = agent; self.event = event; self.data = data; self.text = text
    }

    /// The n-th data field as a whole number, when it is one.
    public func number(_ index: Int) -> Int? {
        guard index < data.count else { return nil }
        return Int(data[index]) ?? Double(data[index]).map { Int($0) }
    }

    public func field(_ index: Int) -> String? {
        guard index < data.count, !data[index].isEmpty else { return nil }
        return data[index]
    }

    /// Why a line could not be read.
    public enum Problem: Error, Equatable, Sendable {
        case tooFewFields(Int)
        case notAnEpoch(String)
        case emptyEvent

        public var description: String {
            switch self {
            case let .tooFewFields(count): "\(count) fields separated by '|', at least 5 expected (epoch|callid|queue|agent|EVENT)"
            case let .notAnEpoch(text): "'\(text.prefix(20))' is not a Unix time in seconds"
            case .emptyEvent: "the event name is empty"
            }
        }
    }

    /// Reads one line; an event Layan does not use comes back as `.other` (it is skipped, not an error).
    public static func parse(_ bytes: ArraySlice<UInt8>) -> Result<QueueLogLine, Problem> {
        var line = bytes
        while let last = line.last, last == 13 || last == 10 { line = line.dropLast() }
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(10)
        var start = line.startIndex
        for index in line.indices where line[index] == 124 {
            fields.append(line[start..<index])
            start = index + 1
        }
        fields.append(line[start..<line.endIndex])
        guard fields.count >= 5 else { return .failure(.tooFewFields(fields.count)) }
        guard let epoch = epoch(fields[0]) else { return .failure(.notAnEpoch(String(decoding: fields[0], as: UTF8.self))) }
        let name = String(decoding: fields[4], as: UTF8.self)
        guard !name.isEmpty else { return .failure(.emptyEvent) }
        let event = QueueLogEvent(rawValue: name) ?? .other
        let text = String(decoding: line, as: UTF8.self)
        return .success(QueueLogLine(epoch: epoch, callID: String(decoding: fields[1], as: UTF8.self),
                                     queue: String(decoding: fields[2], as: UTF8.self), agent: String(decoding: fields[3], as: UTF8.self),
                                     event: event, data: fields.dropFirst(5).map { String(decoding: $0, as: UTF8.self) }, text: text))
    }

    public static func parse(_ text: String) -> Result<QueueLogLine, Problem> { parse(ArraySlice(Array(text.utf8))) }

    /// Whole seconds; Asterisk writes integers, some builds and realtime back-ends add a fraction.
    private static func epoch(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var value = 0, seenDot = false, digits = 0
        for byte in bytes {
            if byte == 46, !seenDot { seenDot = true; continue }
            guard byte >= 48, byte <= 57 else { return nil }
            if !seenDot { value = value * 10 + Int(byte - 48); digits += 1 }
        }
        // Nine digits or more: 2001 onwards; anything shorter is not a queue_log time.
        return digits >= 9 ? value : nil
    }
}

/// The `queue_log` events Layan reads (Asterisk's app_queue, references.md); the rest are skipped.
public enum QueueLogEvent: String, Sendable, CaseIterable {
    case enterQueue = "ENTERQUEUE"
    case connect = "CONNECT"
    case completeCaller = "COMPLETECALLER"
    case completeAgent = "COMPLETEAGENT"
    case abandon = "ABANDON"
    case exitWithTimeout = "EXITWITHTIMEOUT"
    case exitWithKey = "EXITWITHKEY"
    case exitEmpty = "EXITEMPTY"
    case withdraw = "WITHDRAW"
    case ringNoAnswer = "RINGNOANSWER"
    case ringCanceled = "RINGCANCELED"
    case blindTransfer = "BLINDTRANSFER"
    case attendedTransfer = "ATTENDEDTRANSFER"
    case transfer = "TRANSFER"
    case addMember = "ADDMEMBER"
    case removeMember = "REMOVEMEMBER"
    case pause = "PAUSE"
    case unpause = "UNPAUSE"
    case pauseAll = "PAUSEALL"
    case unpauseAll = "UNPAUSEALL"
    case agentLogin = "AGENTLOGIN"
    case agentLogoff = "AGENTLOGOFF"
    case agentDump = "AGENTDUMP"
    case other = ""

    /// An event about an agent's state, not a caller's call.
    public var isAgentEvent: Bool {
        switch self {
        case .addMember, .removeMember, .pause, .unpause, .pauseAll, .unpauseAll, .agentLogin, .agentLogoff: true
        default: false
        }
    }

    /// The event that ends a caller's stay in a queue.
    public var endsCall: Bool {
        switch self {
        case .completeCaller, .completeAgent, .abandon, .exitWithTimeout, .exitWithKey, .exitEmpty, .withdraw,
             .blindTransfer, .attendedTransfer, .transfer: true
        default: false
        }
    }
}
