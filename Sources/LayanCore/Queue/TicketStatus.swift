/// Where a ticket is in its visit.
public enum TicketStatus: String, CaseIterable, Sendable, Codable {
    case waiting
    /// Called to a counter, the customer not yet there.
    case called
    case serving
    case done
    case noShow = "no_show"
    case cancelled

    public var isOpen: Bool { self == .waiting || self == .called || self == .serving }

    public var catalogueKey: String { "queue.status.\(rawValue)" }
}

/// The state a counter is in.
public enum CounterStatus: String, CaseIterable, Sendable, Codable {
    case closed
    case open
    /// On a break: keeps its officer, calls nobody.
    case paused
}

/// The five kinds of customer who are hard to serve (domain.md §8), for tagging a visit.
public enum DifficultCustomer: String, CaseIterable, Sendable, Codable {
    /// Pemarah
    case angry
    /// Kurang sabar
    case impatient
    /// Suka menggoda
    case flirtatious
    /// Pendiam
    case silent
    /// Banyak bercakap
    case talkative

    public var catalogueKey: String { "difficult.\(rawValue)" }
    public var guidanceKey: String { "difficult.\(rawValue).guidance" }
}

/// What happened to a ticket, for the figures and the charter.
public enum TicketEventKind: String, CaseIterable, Sendable, Codable {
    case issued, called, recalled, started, completed, noShow = "no_show", transferred, cancelled
}

/// A ticket label: the service letter and a three-digit number, "A012"; past 999 it keeps counting ("A1000").
public enum TicketLabel {
    public static func make(letter: String, number: Int) -> String {
        letter + number.zeroPadded(3)
    }

    /// How the display board says it: "A012" → "A, 0, 1, 2" is hard to follow, so digits are read as a
    /// number: "A dua belas" / "A twelve" is left to the speech engine from "A 12".
    public static func spoken(letter: String, number: Int) -> String { "\(letter) \(number)" }
}
