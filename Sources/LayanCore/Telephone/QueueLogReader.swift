import Foundation

/// Joins `queue_log` lines into calls, one line at a time, holding only the calls still in progress (so a file of
/// any size is read with flat memory). Durations come from the PBX's own fields (hold time, call time, wait time),
/// which Asterisk measures on one clock: a clock step or lines out of order never make a negative time.
public struct QueueLogReader: Sendable {
    /// An agent's state change (`ADDMEMBER`, `PAUSE`, …), kept as written.
    public struct AgentEvent: Sendable, Equatable {
        public let epoch: Int, queue: String, agent: String, event: QueueLogEvent, data: String
        public var key: String { "\(epoch)|\(queue)|\(agent)|\(event.rawValue)" }
    }

    /// A call whose lines have started but not ended.
    struct Segment: Sendable {
        var lines: [String] = []
        var seen: Set<String> = []
        var queue: String
        var enteredAt: Int?
        var caller: String?
        var lastEpoch: Int
        var connect: (hold: Int, agent: String)?
        var ringNoAnswer = 0
        var ended: PBXCall?
        var returned = false
    }

    private var open: [String: Segment] = [:]
    /// Ended calls that never showed their ENTERQUEUE (out of order, or the file began mid-call): held until it comes
    /// or the reading ends.
    private var headless: [String: PBXCall] = [:]
    /// The last transfer of each call, to mark a return into a queue (PKPA telephone rule 3).
    private var transferredAt: [String: Int] = [:]
    public private(set) var skippedEvents = 0
    private var newestEpoch = 0

    /// A call that enters a queue again within this many seconds of its transfer came back unanswered.
    public static let returnWindow = 600

    public init() {}

    /// Reads one line; returns the calls it ends (none, usually one) and any agent event.
    public mutating func read(_ line: QueueLogLine) -> (calls: [PBXCall], agentEvent: AgentEvent?) {
        newestEpoch = max(newestEpoch, line.epoch)
        if line.event.isAgentEvent {
            return ([], AgentEvent(epoch: line.epoch, queue: line.queue, agent: line.agent, event: line.event, data: line.data.joined(separator: "|")))
        }
        guard line.event != .other, line.callID != "NONE", !line.callID.isEmpty else {
            skippedEvents += 1
            return ([], nil)
        }
        if line.event == .enterQueue {
            if var waiting = headless[line.callID], waiting.queue == line.queue, line.epoch <= waiting.enteredAt + waiting.waitSeconds + waiting.talkSeconds + 1 {
                headless[line.callID] = nil
                waiting.enteredAt = line.epoch
                waiting.caller = line.field(1)
                return ([waiting], nil)
            }
            if let segment = open[line.callID], segment.seen.contains(line.text) { return ([], nil) }
            var segment = Segment(queue: line.queue, lastEpoch: line.epoch)
            segment.enteredAt = line.epoch
            segment.caller = line.field(1)
            if let at = transferredAt[line.callID], line.epoch - at <= Self.returnWindow, line.epoch >= at { segment.returned = true }
            segment.lines.append(line.text); segment.seen.insert(line.text)
            open[line.callID] = segment
            return ([], nil)
        }
        // Taken out of the table while it changes, so its lines are not copied on every line (copy on write).
        var segment = open.removeValue(forKey: line.callID) ?? Segment(queue: line.queue, lastEpoch: line.epoch)
        guard !segment.seen.contains(line.text) else { open[line.callID] = segment; return ([], nil) }
        segment.lines.append(line.text); segment.seen.insert(line.text)
        segment.lastEpoch = line.epoch
        switch line.event {
        case .connect:
            segment.connect = (line.number(0) ?? waited(segment, until: line.epoch), line.agent)
        case .ringNoAnswer:
            segment.ringNoAnswer += 1
        case _ where line.event.endsCall:
            let call = ended(segment, by: line)
            open[line.callID] = nil
            if call.outcome == .transferred { transferredAt[line.callID] = line.epoch }
            if segment.enteredAt == nil {
                headless[line.callID] = call
                return ([], nil)
            }
            return ([call], nil)
        default:
            break
        }
        open[line.callID] = segment
        return ([], nil)
    }

    /// The end of the input: calls whose ENTERQUEUE never came are given up waiting for it (their join time is worked
    /// out from the PBX's durations).
    public mutating func finish() -> [PBXCall] {
        defer { headless = [:] }
        return headless.values.sorted { $0.enteredAt < $1.enteredAt }
    }

    /// The lines of calls still in progress, to be read again ahead of the next file (a call split across files).
    /// Calls whose last line is more than `staleAfter` seconds older than the newest line read are dropped (a PBX
    /// restart leaves calls that never end), so what is carried from file to file stays small.
    public func linesInProgress(staleAfter: Int = 86_400) -> [(callID: String, text: String)] {
        let newest = newestEpoch
        return open.sorted { $0.value.lastEpoch < $1.value.lastEpoch }
            .filter { newest - $0.value.lastEpoch <= staleAfter }
            .flatMap { id, segment in segment.lines.map { (id, $0) } }
    }

    public var callsInProgress: Int { open.count }

    private func waited(_ segment: Segment, until epoch: Int) -> Int {
        max(0, epoch - (segment.enteredAt ?? epoch))
    }

    private func ended(_ segment: Segment, by line: QueueLogLine) -> PBXCall {
        let outcome: PBXCall.Outcome
        var wait: Int, talk = 0
        var transferKind: PBXCall.TransferKind?, target: String?
        switch line.event {
        case .completeCaller, .completeAgent:
            outcome = .answered
            wait = segment.connect?.hold ?? line.number(0) ?? 0
            talk = line.number(1) ?? 0
        case .blindTransfer, .transfer:
            outcome = .transferred
            wait = segment.connect?.hold ?? line.number(2) ?? 0
            talk = line.number(3) ?? 0
            transferKind = .blind
            target = [line.field(0), line.field(1)].compactMap { $0 }.joined(separator: "@")
        case .attendedTransfer:
            outcome = .transferred
            wait = segment.connect?.hold ?? line.number(2) ?? 0
            talk = line.number(3) ?? 0
            transferKind = .attended
            target = line.field(1)
        case .exitWithKey:
            outcome = .leftByKey
            wait = line.number(3) ?? waited(segment, until: line.epoch)
        default:
            outcome = switch line.event {
            case .abandon: .abandoned
            case .exitWithTimeout: .timedOut
            case .exitEmpty: .exitEmpty
            default: .withdrawn
            }
            // Asterisk 1.4 wrote only the position here; later versions add origpos and waittime.
            wait = line.number(2) ?? waited(segment, until: line.epoch)
        }
        wait = max(0, wait); talk = max(0, talk)
        let entered = segment.enteredAt ?? max(0, line.epoch - wait - talk)
        return PBXCall(callID: line.callID, queue: segment.queue.isEmpty ? line.queue : segment.queue, caller: segment.caller,
                       enteredAt: entered, outcome: outcome, waitSeconds: wait, talkSeconds: talk, ringNoAnswer: segment.ringNoAnswer,
                       agent: outcome.wasAnswered ? (segment.connect?.agent ?? line.agent) : nil,
                       transferKind: transferKind, transferTarget: target?.isEmpty == true ? nil : target, returnedAfterTransfer: segment.returned)
    }
}

/// Whether a text looks like a `queue_log` at all: a wrong file is refused whole, not reported line by line.
public enum QueueLogFormat {
    /// Looks at the first lines that are not blank: at least one must read as a `queue_log` line.
    public static func looksRight(_ firstLines: [ArraySlice<UInt8>]) -> Bool {
        let lines = firstLines.filter { !$0.allSatisfy { $0 == 10 || $0 == 13 || $0 == 32 } }
        guard !lines.isEmpty else { return true }
        let good = lines.filter { if case .success = QueueLogLine.parse($0) { true } else { false } }.count
        return good * 2 >= lines.count
    }
}
