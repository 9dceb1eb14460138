import Foundation

/// One caller's stay in one PBX queue, from joining it to leaving it: what the import, the live feed, the JSON
/// endpoint and the operator's call log all make, so each figure is counted one way (docs/telephone.md).
public struct PBXCall: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Answered, and the caller or the agent hung up.
        case answered
        /// Answered, then transferred on (blind or attended).
        case transferred
        /// The caller hung up while waiting.
        case abandoned
        /// The queue's timeout passed (`EXITWITHTIMEOUT`).
        case timedOut = "timed_out"
        /// The caller pressed a key to leave (`EXITWITHKEY`).
        case leftByKey = "left_by_key"
        /// No agent could take calls (`EXITEMPTY`).
        case exitEmpty = "exit_empty"
        /// Taken out of the queue by the PBX (`WITHDRAW`).
        case withdrawn

        public var wasAnswered: Bool { self == .answered || self == .transferred }
        /// Counted as abandoned the way Asterisk counts `callsabandoned` (references.md): not a key press.
        public var countsAsAbandoned: Bool { self == .abandoned || self == .timedOut || self == .exitEmpty || self == .withdrawn }
        public var catalogueKey: String { "telephone.outcome.\(rawValue)" }
    }

    public enum TransferKind: String, Sendable, Codable { case blind, attended }

    public var callID: String
    public var queue: String
    public var caller: String?
    /// When the caller joined the queue (Unix seconds, the PBX's clock).
    public var enteredAt: Int
    public var outcome: Outcome
    /// Seconds waited: until answered, or until the caller left the queue.
    public var waitSeconds: Int
    public var talkSeconds: Int
    /// Agents rung who did not answer (`RINGNOANSWER`).
    public var ringNoAnswer: Int
    /// The agent (queue member) who answered, as the PBX names them.
    public var agent: String?
    public var transferKind: TransferKind?
    public var transferTarget: String?
    /// A call that came back into a queue after a transfer that nobody answered (PKPA 1/2008, telephone rule 3).
    public var returnedAfterTransfer: Bool

    public init(callID: String, queue: String, caller: String?, enteredAt: Int, outcome: Outcome, waitSeconds: Int,
                talkSeconds: Int = 0, ringNoAnswer: Int = 0, agent: String? = nil, transferKind: TransferKind? = nil,
                transferTarget: String? = nil, returnedAfterTransfer: Bool = false) {
        self.callID = callID; self.queue = queue; self.caller = caller; self.enteredAt = enteredAt; self.outcome = outcome
        self.waitSeconds = max(0, waitSeconds); self.talkSeconds = max(0, talkSeconds); self.ringNoAnswer = max(0, ringNoAnswer)
        self.agent = agent; self.transferKind = transferKind; self.transferTarget = transferTarget; self.returnedAfterTransfer = returnedAfterTransfer
    }

    /// The same call from any source: its PBX id, its queue and the second it joined.
    public var key: String { "\(callID)|\(queue)|\(enteredAt)" }

    /// Two records of one call whose join times differ by the PBX's rounding (the live feed's time against the log's).
    public func isSameCall(as other: (callID: String, queue: String, enteredAt: Int)) -> Bool {
        callID == other.callID && queue == other.queue && abs(enteredAt - other.enteredAt) <= Self.sameCallTolerance
    }
    public static let sameCallTolerance = 2

    /// A caller worth calling back: the call was not answered and the number is a real one.
    public var needsCallBack: Bool {
        guard !outcome.wasAnswered, let caller else { return false }
        return CallerNumber.isDiallable(caller)
    }
}

/// Caller numbers as PBXs write them.
public enum CallerNumber {
    /// "anonymous", "unknown", "Restricted" and the like cannot be called back.
    public static func isDiallable(_ text: String) -> Bool {
        let digits = text.filter(\.isNumber)
        return digits.count >= 3 && text.allSatisfy { $0.isNumber || "+-() ".contains($0) }
    }

    /// The extension in a queue member's name: `PJSIP/1001`, `SIP/1001`, `Local/1001@from-queue/n`, `Agent/1001`, `1001`.
    public static func memberExtension(_ agent: String) -> String? {
        let parts = agent.split(separator: "/", omittingEmptySubsequences: false)
        let candidate = parts.count >= 2 ? parts[1] : parts[0]
        let exten = candidate.split(separator: "@").first.map(String.init) ?? ""
        return !exten.isEmpty && exten.allSatisfy(\.isNumber) ? exten : nil
    }
}
