import Foundation

/// Malaysian working days for a state: not the state's weekend, not a federal, state or ad-hoc holiday.
/// SLA clocks ("resolve within 15 working days") count on this calendar of the handling branch's state.
public struct WorkingCalendar: Sendable {
    public let holidays: HolidayCalendar

    public init(holidays: HolidayCalendar) { self.holidays = holidays }

    public enum DayKind: Equatable, Sendable {
        case working
        case weekend
        case holiday([Holiday])
    }

    public func kind(of date: LocalDate, in state: MalaysianState) -> DayKind {
        let holidays = self.holidays.holidays(on: date, in: state)
        if !holidays.isEmpty { return .holiday(holidays) }
        return WeekendRule.isWeekend(date, in: state) ? .weekend : .working
    }

    public func isWorkingDay(_ date: LocalDate, in state: MalaysianState) -> Bool {
        !WeekendRule.isWeekend(date, in: state) && !holidays.isHoliday(date, in: state)
    }

    /// The date `n` working days after `date` (counting starts the next day); before it when `n` is negative.
    /// `n == 0` gives `date` itself.
    public func adding(workingDays n: Int, to date: LocalDate, in state: MalaysianState) -> LocalDate {
        var current = date
        var remaining = abs(n)
        let step = n >= 0 ? 1 : -1
        while remaining > 0 {
            current = current.adding(days: step)
            if isWorkingDay(current, in: state) { remaining -= 1 }
        }
        return current
    }

    /// The working days after `from`, up to and including `to`; when `to` is earlier, minus the working
    /// days from `to` up to but excluding `from`. So `workingDays(from: d, to: adding(workingDays: n, to: d)) == n`.
    public func workingDays(from: LocalDate, to: LocalDate, in state: MalaysianState) -> Int {
        let forward = to >= from
        let range = forward ? (from.dayNumber + 1)..<(to.dayNumber + 1) : to.dayNumber..<from.dayNumber
        let count = range.reduce(0) { $0 + (isWorkingDay(LocalDate(dayNumber: $1), in: state) ? 1 : 0) }
        return forward ? count : -count
    }

    /// The first working day on or after `date`.
    public func nextWorkingDay(onOrAfter date: LocalDate, in state: MalaysianState) -> LocalDate {
        var day = date
        while !isWorkingDay(day, in: state) { day = day.adding(days: 1) }
        return day
    }
}
