import Foundation

/// One Asterisk Manager Interface message: `Key: Value` lines ended by a blank line (an action, a response or an event).
public struct AMIMessage: Sendable, Equatable {
    public var fields: [(String, String)]
    public init(_ fields: [(String, String)]) { self.fields = fields }

    public subscript(_ key: String) -> String? {
        fields.first { $0.0.caseInsensitiveCompare(key) == .orderedSame }?.1
    }
    public var event: String? { self["Event"] }

    /// The message as sent on the wire.
    public var wire: String { fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n" }

    public static func == (a: AMIMessage, b: AMIMessage) -> Bool { a.wire == b.wire }

    public static func login(username: String, secret: String) -> AMIMessage {
        AMIMessage([("Action", "Login"), ("Username", username), ("Secret", secret), ("Events", "call,agent")])
    }
}

/// Splits the byte stream from the PBX into messages. Garbage never grows it past a bound: a message over 64 KiB, or a
/// line without a colon, is dropped and counted.
public struct AMIFramer: Sendable {
    private var buffer: [UInt8] = []
    private var current: [(String, String)] = []
    public private(set) var dropped = 0
    public private(set) var banner: String?
    static let maximumMessage = 64 * 1024

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [AMIMessage] {
        buffer.append(contentsOf: bytes)
        var messages: [AMIMessage] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: 10) {
            var line = buffer[start..<newline]
            if line.last == 13 { line = line.dropLast() }
            start = newline + 1
            let text = String(decoding: line, as: UTF8.self)
            if banner == nil, current.isEmpty, text.hasPrefix("Asterisk Call Manager") { banner = text; continue }
            if text.isEmpty {
                if !current.isEmpty { messages.append(AMIMessage(current)); current = [] }
                continue
            }
            guard let colon = text.firstIndex(of: ":") else { dropped += 1; continue }
            current.append((String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            if current.count > 500 { current = []; dropped += 1 }
        }
        buffer.removeFirst(start)
        if buffer.count > Self.maximumMessage { buffer = []; current = []; dropped += 1 }
        return messages
    }
}

/// The callers in the PBX's queues right now, from the manager's events, and the calls those events finish — the
/// same `PBXCall` the `queue_log` import makes for them, so importing the day's log later adds nothing twice.
public struct LiveQueueTracker: Sendable {
    public struct Waiting: Sendable, Equatable, Codable {
        public let callID: String, queue: String, caller: String?, joinedAt: Double
        public var ringNoAnswer = 0
        public var answeredAfter: Int?
        public var agent: String?
        /// When the PBX said the caller left without an answer; finished as timed out unless an answer follows at once.
        public var leftAt: Double?
    }

    public private(set) var calls: [String: Waiting] = [:]
    private var transfers: [String: (PBXCall.TransferKind, String?)] = [:]

    public init() {}

    /// Applies one event at `now` (the event's own `Timestamp` when the PBX sends one); returns a call it finished.
    public mutating func apply(_ event: AMIMessage, now: Double) -> PBXCall? {
        let at = event["Timestamp"].flatMap(Double.init) ?? now
        guard let name = event.event else { return nil }
        switch name {
        case "QueueCallerJoin", "Join":
            guard let id = event["Uniqueid"], let queue = event["Queue"] else { return nil }
            calls[id] = Waiting(callID: id, queue: queue, caller: event["CallerIDNum"].flatMap { $0 == "<unknown>" ? nil : $0 }, joinedAt: at)
        case "AgentRingNoAnswer":
            if let id = event["Uniqueid"] { calls[id]?.ringNoAnswer += 1 }
        case "AgentConnect":
            guard let id = event["Uniqueid"], var call = calls[id] else { return nil }
            call.leftAt = nil
            call.answeredAfter = event["HoldTime"].flatMap(Int.init) ?? Int(at - call.joinedAt)
            call.agent = event["MemberName"] ?? event["Interface"]
            calls[id] = call
        case "BlindTransfer":
            if let id = event["TransfereeUniqueid"] {
                transfers[id] = (.blind, [event["Extension"], event["Context"]].compactMap { $0 }.joined(separator: "@"))
            }
        case "AttendedTransfer":
            if let id = event["TransfereeUniqueid"] {
                transfers[id] = (.attended, event["SecondTransfererExten"] ?? event["TransferTargetUniqueid"])
            }
        case "AgentComplete":
            guard let id = event["Uniqueid"], let call = calls.removeValue(forKey: id) else { return nil }
            let transfer = transfers.removeValue(forKey: id)
            let byTransfer = event["Reason"] == "transfer" || transfer != nil
            return PBXCall(callID: id, queue: call.queue, caller: call.caller, enteredAt: Int(call.joinedAt),
                           outcome: byTransfer ? .transferred : .answered,
                           waitSeconds: event["HoldTime"].flatMap(Int.init) ?? call.answeredAfter ?? 0,
                           talkSeconds: event["TalkTime"].flatMap(Int.init) ?? 0, ringNoAnswer: call.ringNoAnswer,
                           agent: event["MemberName"] ?? call.agent, transferKind: byTransfer ? (transfer?.0 ?? .blind) : nil,
                           transferTarget: transfer?.1)
        case "QueueCallerAbandon":
            guard let id = event["Uniqueid"], let call = calls.removeValue(forKey: id) else { return nil }
            return PBXCall(callID: id, queue: call.queue, caller: call.caller, enteredAt: Int(call.joinedAt), outcome: .abandoned,
                           waitSeconds: event["HoldTime"].flatMap(Int.init) ?? Int(at - call.joinedAt), ringNoAnswer: call.ringNoAnswer)
        case "QueueCallerLeave", "Leave":
            // Leaving unanswered without an abandon: the queue's timeout or a key (the log tells which; its import corrects it).
            // Asterisk may raise it just before AgentConnect, so it is finished a moment later (`expire`).
            guard let id = event["Uniqueid"], calls[id]?.answeredAfter == nil else { return nil }
            calls[id]?.leftAt = at
        default:
            break
        }
        return nil
    }

    /// Callers who left unanswered more than two seconds ago: finished as timed out.
    public mutating func expire(now: Double) -> [PBXCall] {
        let gone = calls.values.filter { call in call.leftAt.map { now - $0 > 2 } ?? false }
        for call in gone { calls[call.callID] = nil }
        return gone.map { call in
            PBXCall(callID: call.callID, queue: call.queue, caller: call.caller, enteredAt: Int(call.joinedAt), outcome: .timedOut,
                    waitSeconds: Int((call.leftAt ?? now) - call.joinedAt), ringNoAnswer: call.ringNoAnswer)
        }
    }

    /// Callers still waiting (not yet answered), longest first.
    public func waiting(now: Double) -> [(call: Waiting, seconds: Int)] {
        calls.values.filter { $0.answeredAfter == nil && $0.leftAt == nil }.map { ($0, max(0, Int(now - $0.joinedAt))) }.sorted { $0.seconds > $1.seconds }
    }

    /// Forget callers the PBX never finished (a lost event), after an hour.
    public mutating func forget(olderThan seconds: Double, now: Double) {
        calls = calls.filter { now - $0.value.joinedAt < seconds }
    }
}
