/// Where a case stands. The customer sees each status in their language; `isOpen` cases count toward load.
public enum CaseStatus: String, CaseIterable, Sendable, Codable {
    case new
    case acknowledged
    case inProgress = "in_progress"
    case pendingCustomer = "pending_customer"
    case pendingAgency = "pending_agency"
    case resolved
    case closed
    case rejected
    case duplicate

    public var isOpen: Bool { ![.resolved, .closed, .rejected, .duplicate].contains(self) }
    /// A finished case: its resolution standard is judged when it reaches one of these.
    public var isFinished: Bool { !isOpen }
    public var catalogueKey: String { "case.status.\(rawValue)" }
}

/// What an officer or the customer does to a case. Each moves it along `CaseLifecycle`.
public enum CaseAction: String, CaseIterable, Sendable, Codable {
    case acknowledge
    case start
    case awaitCustomer = "await_customer"
    case awaitAgency = "await_agency"
    case resume
    case resolve
    case close
    case reject
    case markDuplicate = "mark_duplicate"
    /// The customer is not satisfied with the resolution (within the reopening period).
    case reopen

    public var catalogueKey: String { "case.action.\(rawValue)" }

    /// Actions that need a note the customer can read (why rejected, how resolved).
    public var needsPublicNote: Bool { self == .reject || self == .resolve || self == .awaitCustomer }
}

/// The case lifecycle: new → acknowledged → in progress → pending customer / other agency → resolved → closed,
/// with rejected and duplicate as other endings. An action not listed is refused, and the case is unchanged.
public enum CaseLifecycle {
    public static func next(from status: CaseStatus, on action: CaseAction) -> CaseStatus? {
        switch (status, action) {
        case (.new, .acknowledge): .acknowledged
        case (.new, .start), (.acknowledged, .start): .inProgress
        case (.new, .reject), (.acknowledged, .reject), (.inProgress, .reject): .rejected
        case (.new, .markDuplicate), (.acknowledged, .markDuplicate), (.inProgress, .markDuplicate): .duplicate
        case (.new, .awaitCustomer), (.acknowledged, .awaitCustomer), (.inProgress, .awaitCustomer), (.pendingAgency, .awaitCustomer): .pendingCustomer
        case (.new, .awaitAgency), (.acknowledged, .awaitAgency), (.inProgress, .awaitAgency), (.pendingCustomer, .awaitAgency): .pendingAgency
        case (.pendingCustomer, .resume), (.pendingAgency, .resume): .inProgress
        case (.acknowledged, .resolve), (.inProgress, .resolve), (.pendingCustomer, .resolve), (.pendingAgency, .resolve): .resolved
        case (.resolved, .close): .closed
        case (.resolved, .reopen), (.closed, .reopen): .inProgress
        default: nil
        }
    }

    /// The actions open to an officer from a status, in the order the case page offers them.
    public static func staffActions(from status: CaseStatus) -> [CaseAction] {
        CaseAction.allCases.filter { $0 != .reopen && next(from: status, on: $0) != nil }
    }
}

/// How long after resolution the customer may still reopen a case, and when an unanswered resolution closes.
public struct ReopenPolicy: Sendable, Equatable {
    public var reopenWithinDays: Int
    public init(reopenWithinDays: Int = 14) { self.reopenWithinDays = reopenWithinDays }

    public func mayReopen(resolvedOn: LocalDate, today: LocalDate) -> Bool {
        today.dayNumber - resolvedOn.dayNumber <= reopenWithinDays
    }
}
