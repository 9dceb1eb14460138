/// The service standards a case is held to, in working days of the handling branch's state
/// (PKPA 1/2008: acknowledge within 1 working day, resolve within 15 by default; overridable per type and category).
public struct ServiceStandard: Sendable, Equatable, Codable {
    public var acknowledgeWorkingDays: Int
    public var resolveWorkingDays: Int

    public init(acknowledgeWorkingDays: Int = 1, resolveWorkingDays: Int = 15) {
        self.acknowledgeWorkingDays = acknowledgeWorkingDays
        self.resolveWorkingDays = resolveWorkingDays
    }

    public static let pkpaDefault = ServiceStandard()

    /// The standard for a case: the category's override, else the type's, else the default.
    public static func resolve(typeOverride: ServiceStandard?, categoryOverride: ServiceStandard?) -> ServiceStandard {
        categoryOverride ?? typeOverride ?? .pkpaDefault
    }
}

/// A case's SLA clock on the working-day calendar. Counting starts the working day after receipt, the due day
/// is met up to its end, and working days spent waiting for the customer push the resolution due date back.
public struct CaseClock: Sendable, Equatable {
    public let receivedOn: LocalDate
    public let standard: ServiceStandard
    public let state: MalaysianState
    /// Working days already spent paused (pending the customer), from closed pauses.
    public let pausedWorkingDays: Int
    /// The day the current pause began, when the case is waiting for the customer now.
    public let pausedSince: LocalDate?

    public init(receivedOn: LocalDate, standard: ServiceStandard, state: MalaysianState, pausedWorkingDays: Int = 0, pausedSince: LocalDate? = nil) {
        self.receivedOn = receivedOn
        self.standard = standard
        self.state = state
        self.pausedWorkingDays = pausedWorkingDays
        self.pausedSince = pausedSince
    }

    public func acknowledgeBy(_ calendar: WorkingCalendar) -> LocalDate {
        calendar.adding(workingDays: standard.acknowledgeWorkingDays, to: receivedOn, in: state)
    }

    /// The resolution due date, counting the pause still running as if it ended `today`.
    public func resolveBy(_ calendar: WorkingCalendar, today: LocalDate) -> LocalDate {
        let running = pausedSince.map { max(0, calendar.workingDays(from: $0, to: today, in: state)) } ?? 0
        return calendar.adding(workingDays: standard.resolveWorkingDays + pausedWorkingDays + running, to: receivedOn, in: state)
    }

    /// The working days a pause from `since` to `until` adds.
    public static func pauseLength(_ calendar: WorkingCalendar, since: LocalDate, until: LocalDate, in state: MalaysianState) -> Int {
        max(0, calendar.workingDays(from: since, to: until, in: state))
    }

    /// Whether a standard was met: done on or before its due day.
    public static func met(doneOn: LocalDate, due: LocalDate) -> Bool { doneOn <= due }

    /// Working days left until `due` (negative once overdue), for reminders.
    public static func workingDaysLeft(_ calendar: WorkingCalendar, today: LocalDate, due: LocalDate, in state: MalaysianState) -> Int {
        calendar.workingDays(from: today, to: due, in: state)
    }
}
