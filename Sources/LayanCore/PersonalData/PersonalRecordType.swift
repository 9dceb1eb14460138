import Foundation

/// The records Layan holds personal data in, each kept only as long as the agency's disposal schedule allows
/// (issue #21, item 6: PDPA 2010's principles, as agencies apply them; records governed by the National Archives Act
/// 2003). Past its period a record keeps what the figures need — type, channel, branch, dates, outcome — and loses
/// who it was about.
public enum PersonalRecordType: String, CaseIterable, Sendable, Codable {
    /// A closed case: the customer's name, contact, identity number, on whose behalf, the description, their messages
    /// and attachments. Counted from the day it was closed.
    case closedCases = "closed_cases"
    /// A call record from the PBX: the caller's number. Counted from the call.
    case telephoneCalls = "telephone_calls"
    /// A message taken for an absent officer: the caller's name, number and message. Counted from when it was taken.
    case phoneMessages = "phone_messages"
    /// A message Layan sent (e-mail, SMS, conversation): to whom, and what it said. Counted from when it was written.
    case sentMessages = "sent_messages"
    /// What came in through a channel: the sender and the summary. Counted from its arrival.
    case intakeLog = "intake_log"

    /// The period a new agency starts with, in months, until it enters its own schedule: seven years for case files
    /// (a common period for complaint files in agencies' disposal schedules), two for call records and telephone
    /// messages, one for messages sent and the intake log.
    public var defaultMonths: Int {
        switch self {
        case .closedCases: 84
        case .telephoneCalls, .phoneMessages: 24
        case .sentMessages, .intakeLog: 12
        }
    }

    public var catalogueKey: String { "retention.type.\(rawValue)" }
}

/// How long a kind of record keeps its personal data.
public struct RetentionPeriod: Sendable, Equatable {
    public static let allowedMonths = 1...600

    public let months: Int

    public init?(months: Int) {
        guard Self.allowedMonths.contains(months) else { return nil }
        self.months = months
    }

    /// Records from before this moment are past their period: `months` calendar months before `now`, Malaysian time.
    public func cutoff(now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = MalaysianTime.zone
        return calendar.date(byAdding: .month, value: -months, to: now)!
    }
}
