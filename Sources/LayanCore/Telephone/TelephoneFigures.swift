import Foundation

/// What the call records add up to for one period, queue or agent: the counts every figure is made from. The store
/// adds them up in SQL; the formulas below are the only place a figure is computed (docs/telephone.md).
public struct CallCounts: Sendable, Equatable, Codable {
    public var offered = 0
    public var answered = 0
    /// Answered with a wait of at most the service-level seconds (Asterisk decides this at CONNECT: hold ≤ servicelevel).
    public var answeredWithin = 0
    /// Abandoned the way Asterisk counts it: ABANDON, EXITWITHTIMEOUT, EXITEMPTY, WITHDRAW (not EXITWITHKEY).
    public var abandoned = 0
    public var abandonedWithin = 0
    /// Abandoned within the agency's short-abandon seconds (callers who hung up almost at once).
    public var abandonedShort = 0
    public var leftByKey = 0
    public var waitAnswered = 0
    public var longestWait = 0
    public var talk = 0
    public var ringNoAnswer = 0
    public var transferred = 0
    public var returned = 0

    public init() {}

    public static func + (a: CallCounts, b: CallCounts) -> CallCounts {
        var sum = CallCounts()
        sum.offered = a.offered + b.offered; sum.answered = a.answered + b.answered; sum.answeredWithin = a.answeredWithin + b.answeredWithin
        sum.abandoned = a.abandoned + b.abandoned; sum.abandonedWithin = a.abandonedWithin + b.abandonedWithin
        sum.abandonedShort = a.abandonedShort + b.abandonedShort; sum.leftByKey = a.leftByKey + b.leftByKey
        sum.waitAnswered = a.waitAnswered + b.waitAnswered; sum.longestWait = max(a.longestWait, b.longestWait); sum.talk = a.talk + b.talk
        sum.ringNoAnswer = a.ringNoAnswer + b.ringNoAnswer; sum.transferred = a.transferred + b.transferred; sum.returned = a.returned + b.returned
        return sum
    }

    /// Counts one call, for the live wallboard and for tests (the store does the same sums in SQL).
    public mutating func add(_ call: PBXCall, within: Int, shortAbandon: Int) {
        offered += 1
        if call.outcome.wasAnswered {
            answered += 1
            waitAnswered += call.waitSeconds
            if call.waitSeconds <= within { answeredWithin += 1 }
        }
        if call.outcome.countsAsAbandoned {
            abandoned += 1
            if call.waitSeconds <= within { abandonedWithin += 1 }
            if call.waitSeconds <= shortAbandon { abandonedShort += 1 }
        }
        if call.outcome == .leftByKey { leftByKey += 1 }
        if call.outcome == .transferred { transferred += 1 }
        if call.returnedAfterTransfer { returned += 1 }
        longestWait = max(longestWait, call.waitSeconds)
        talk += call.talkSeconds
        ringNoAnswer += call.ringNoAnswer
    }
}

/// Which service level the agency's charter reports (PKPA 1/2008, telephone rule 1: answered within 10 seconds).
public enum ServiceLevelFormula: String, Sendable, Codable, CaseIterable {
    /// Asterisk's `SL`: answered within ÷ answered.
    case answered
    /// Asterisk's `SL2`: (answered within + abandoned within) ÷ (answered + abandoned).
    case sl2
    /// Answered within ÷ (answered + abandoned), not counting callers who hung up within the short-abandon seconds.
    case offeredWithoutShortAbandons = "offered_without_short"

    public var catalogueKey: String { "telephone.formula.\(rawValue)" }
}

/// One figure with the formula it was computed by; nil when nothing was counted (never "0/0 = 100 %").
public struct TelephoneFigure: Sendable, Equatable, Codable {
    public let value: Double?
    public let numerator: Int
    public let denominator: Int
    public let formula: String

    static func share(_ numerator: Int, _ denominator: Int, _ formula: String) -> TelephoneFigure {
        TelephoneFigure(value: denominator > 0 ? Double(numerator) / Double(denominator) : nil, numerator: numerator, denominator: denominator, formula: formula)
    }
}

/// The figures for one set of counts.
public struct TelephoneFigures: Sendable, Equatable, Codable {
    public let counts: CallCounts
    public let serviceLevel: TelephoneFigure
    public let serviceLevel2: TelephoneFigure
    public let serviceLevelOffered: TelephoneFigure
    /// The one the agency chose for its charter.
    public let charterServiceLevel: TelephoneFigure
    public let averageSpeedOfAnswer: Double?
    public let longestWait: Int
    public let abandonment: TelephoneFigure
    public let ringNoAnswerRate: TelephoneFigure
    public let returnedTransfers: TelephoneFigure

    public init(_ c: CallCounts, formula: ServiceLevelFormula, within: Int) {
        counts = c
        serviceLevel = .share(c.answeredWithin, c.answered, "answered within \(within) s ÷ answered")
        serviceLevel2 = .share(c.answeredWithin + c.abandonedWithin, c.answered + c.abandoned,
                               "(answered within \(within) s + abandoned within \(within) s) ÷ (answered + abandoned)")
        serviceLevelOffered = .share(c.answeredWithin, c.answered + c.abandoned - c.abandonedShort,
                                     "answered within \(within) s ÷ (answered + abandoned, less short abandons)")
        charterServiceLevel = switch formula {
        case .answered: serviceLevel
        case .sl2: serviceLevel2
        case .offeredWithoutShortAbandons: serviceLevelOffered
        }
        averageSpeedOfAnswer = c.answered > 0 ? Double(c.waitAnswered) / Double(c.answered) : nil
        longestWait = c.longestWait
        abandonment = .share(c.abandoned, c.offered, "abandoned ÷ offered")
        ringNoAnswerRate = .share(c.ringNoAnswer, c.ringNoAnswer + c.answered, "rings not answered ÷ (rings not answered + answered)")
        returnedTransfers = .share(c.returned, c.transferred, "transfers back in a queue within 10 min ÷ transfers")
    }
}

/// How the agency measures its telephone standard (kept per agency; the charter takes its figure from here).
public struct TelephoneStandard: Sendable, Equatable, Codable {
    /// PKPA 1/2008, telephone rule 1: answered within 10 seconds.
    public var answerWithinSeconds: Int
    public var formula: ServiceLevelFormula
    public var shortAbandonSeconds: Int
    /// The share of calls the charter promises within the standard.
    public var targetPercent: Int
    /// PKPA 1/2008, telephone rule 4: callers told their status every 20 seconds.
    public var announceEverySeconds: Int
    /// PKPA 1/2008, telephone rule 8: a message for an absent officer returned within this many working days.
    public var messageReturnWorkingDays: Int

    public init(answerWithinSeconds: Int = 10, formula: ServiceLevelFormula = .answered, shortAbandonSeconds: Int = 5,
                targetPercent: Int = 90, announceEverySeconds: Int = 20, messageReturnWorkingDays: Int = 1) {
        self.answerWithinSeconds = answerWithinSeconds; self.formula = formula; self.shortAbandonSeconds = shortAbandonSeconds
        self.targetPercent = targetPercent; self.announceEverySeconds = announceEverySeconds; self.messageReturnWorkingDays = messageReturnWorkingDays
    }
}

/// Staffing advice for one hour of the day, by Erlang C (the queue capability's model).
public struct TelephoneStaffing: Sendable, Equatable, Codable {
    public let hour: Int
    public let callsPerHour: Double
    public let averageTalkSeconds: Double
    public let agentsNeeded: Int?

    /// For `days` days of counts at this hour: the mean arrivals per hour and the agents that keep `targetPercent`
    /// answered within the standard.
    public static func advise(hour: Int, counts: CallCounts, days: Int, standard: TelephoneStandard) -> TelephoneStaffing {
        let perHour = days > 0 ? Double(counts.offered) / Double(days) : 0
        let talk = counts.answered > 0 ? max(1, Double(counts.talk) / Double(counts.answered)) : 180
        let needed = ErlangC.countersNeeded(arrivalsPerHour: perHour, handlingSeconds: talk, target: Double(standard.answerWithinSeconds),
                                            share: Double(standard.targetPercent) / 100)
        return TelephoneStaffing(hour: hour, callsPerHour: perHour, averageTalkSeconds: talk, agentsNeeded: needed)
    }
}
