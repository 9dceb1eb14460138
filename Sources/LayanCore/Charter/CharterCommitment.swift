import Foundation

/// What a Client Charter commitment is measured by: a figure Layan records itself, or a manual figure entered each
/// month with its evidence (PKPA 1/2008: a charter is *specific*, a measurable standard with a number and a unit).
public enum CharterMetric: String, Codable, CaseIterable, Sendable {
    /// A counter customer called within N minutes of taking a number (per queue service).
    case counterWait = "counter_wait"
    /// A counter service completed within N minutes of being called (per queue service).
    case counterService = "counter_service"
    /// A telephone call answered within N seconds (per PBX queue).
    case telephoneAnswer = "telephone_answer"
    /// A case acknowledged within N working days (per type, optionally category).
    case caseAcknowledged = "case_acknowledged"
    /// A case resolved within N working days (per type, optionally category).
    case caseResolved = "case_resolved"
    /// A message for an absent officer returned within the agency's standard.
    case messageReturned = "message_returned"
    /// Counted outside Layan and entered monthly with evidence.
    case manual

    /// The unit the standard's number is written in.
    public var unit: CharterUnit? {
        switch self {
        case .counterWait, .counterService: .minutes
        case .telephoneAnswer: .seconds
        case .caseAcknowledged, .caseResolved: .workingDays
        case .messageReturned: .workingDays
        case .manual: nil
        }
    }

    public var catalogueKey: String { "charter.metric.\(rawValue)" }

    /// Counter and case transactions happen at a branch, so a branch may hold its own standard; calls, messages and
    /// manual figures are counted for the agency.
    public var measuredPerBranch: Bool {
        switch self {
        case .counterWait, .counterService, .caseAcknowledged, .caseResolved: true
        case .telephoneAnswer, .messageReturned, .manual: false
        }
    }
}

/// A branch's own standard or target for a commitment (issue #19: "per agency with branch-level overrides"), e.g. a
/// branch with one counter promising 20 minutes where the agency promises 15. Nil keeps the commitment's.
public struct CharterBranchStandard: Sendable, Equatable, Codable {
    public var branchID: UUID
    public var standard: Int?
    public var targetPercent: Int?

    public init(branchID: UUID, standard: Int?, targetPercent: Int?) {
        self.branchID = branchID
        self.standard = standard
        self.targetPercent = targetPercent
    }
}

public enum CharterUnit: String, Codable, CaseIterable, Sendable {
    case seconds, minutes, hours, workingDays = "working_days", days
    public var catalogueKey: String { "charter.unit.\(rawValue)" }
}

/// One commitment as written in a charter version: its words in both languages, the metric it is bound to, the
/// standard (a number in the metric's unit), what it applies to, and the share of transactions it promises.
public struct CharterCommitmentDraft: Sendable, Equatable, Codable {
    public var textMS: String
    public var textEN: String
    public var metric: CharterMetric
    /// The number of the standard ("within 15 minutes": 15); nil for none written.
    public var standard: Int?
    /// For a manual metric: the unit its standard is written in.
    public var manualUnit: CharterUnit?
    /// Percent of transactions that must meet the standard (e.g. 90).
    public var targetPercent: Int
    /// The queue service letter, case type (`type` or `type:category-id`) or PBX queue it covers; empty for all.
    public var subject: String
    /// Branches that keep their own standard or target (counter and case metrics only).
    public var branchStandards: [CharterBranchStandard]

    public init(textMS: String, textEN: String, metric: CharterMetric, standard: Int?, manualUnit: CharterUnit? = nil,
                targetPercent: Int, subject: String = "", branchStandards: [CharterBranchStandard] = []) {
        self.textMS = textMS
        self.textEN = textEN
        self.metric = metric
        self.standard = standard
        self.manualUnit = manualUnit
        self.targetPercent = targetPercent
        self.subject = subject
        self.branchStandards = metric.measuredPerBranch ? branchStandards.filter { $0.standard != nil || $0.targetPercent != nil } : []
    }

    public var unit: CharterUnit? { metric.unit ?? manualUnit }

    /// The standard a transaction at `branch` is judged by (nil: the agency's own figure).
    public func standard(at branch: UUID?) -> Int? {
        branch.flatMap { id in branchStandards.first { $0.branchID == id }?.standard } ?? standard
    }

    /// The target share for `branch` (nil: the agency's).
    public func targetPercent(at branch: UUID?) -> Int {
        branch.flatMap { id in branchStandards.first { $0.branchID == id }?.targetPercent } ?? targetPercent
    }
}

/// The five PKPA qualities checked before a charter version is published: clear, reliable, practical, specific and
/// improvable. Errors stop publishing; warnings are shown and may be accepted.
public enum CharterQualityCheck {
    public enum Finding: Sendable, Equatable {
        /// Specific: no number or no unit.
        case notMeasurable(index: Int)
        /// Clear: no words in one of the two languages.
        case missingText(index: Int)
        /// The target share must be a percentage above zero.
        case targetOutOfRange(index: Int)
        /// Clear: a word that promises no time ("segera", "as soon as possible").
        case vagueWording(index: Int, word: String)
        /// Practical: no branch reached the target in the last three months.
        case neverMet(index: Int)
        /// A charter with nothing in it.
        case empty

        public var isError: Bool {
            switch self {
            case .notMeasurable, .missingText, .targetOutOfRange, .empty: true
            case .vagueWording, .neverMet: false
            }
        }
    }

    /// Words and phrases that promise no measurable time, in Malay and English (lower case).
    public static let vagueWords = ["segera", "secepat mungkin", "dengan kadar segera", "secepat yang mungkin", "dalam masa terdekat",
                                    "as soon as possible", "asap", "promptly", "immediately", "quickly", "in due course", "timely"]

    /// Every finding for `commitments`; `reachedRecently(i)` says whether any branch reached its target for commitment
    /// `i` in the last three months (nil when there were no transactions to judge by).
    public static func findings(_ commitments: [CharterCommitmentDraft], reachedRecently: (Int) -> Bool? = { _ in nil }) -> [Finding] {
        if commitments.isEmpty { return [.empty] }
        var found: [Finding] = []
        for (i, c) in commitments.enumerated() {
            if c.textMS.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || c.textEN.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                found.append(.missingText(index: i))
            }
            // A branch's own standard and target are held to the same rules as the agency's.
            if (c.standard ?? 0) <= 0 || c.unit == nil || c.branchStandards.contains(where: { ($0.standard ?? 1) <= 0 }) {
                found.append(.notMeasurable(index: i))
            }
            if !(1...100).contains(c.targetPercent) || c.branchStandards.contains(where: { !(1...100).contains($0.targetPercent ?? 1) }) {
                found.append(.targetOutOfRange(index: i))
            }
            let words = (c.textMS + " \n " + c.textEN).lowercased()
            for word in vagueWords where containsWord(word, in: words) {
                found.append(.vagueWording(index: i, word: word))
            }
            if reachedRecently(i) == false { found.append(.neverMet(index: i)) }
        }
        return found
    }

    /// `word` as a whole word or phrase (so "asap" is not found in "asapnya" … nor "segera" in "segerak").
    static func containsWord(_ word: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: word, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }
}
