import Foundation

/// A time of day in minutes since midnight, Malaysian time.
public struct TimeOfDay: Hashable, Comparable, Sendable, TextCodable, CustomStringConvertible {
    public let minutes: Int

    public init(minutes: Int) { self.minutes = minutes }

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        minutes = hour * 60 + minute
    }

    /// Parses "08:00" or "8:30".
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    public var description: String { (minutes / 60).zeroPadded(2) + ":" + (minutes % 60).zeroPadded(2) }

    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutes < b.minutes }

    public init?(text: String) { self.init(text) }

    public var text: String { description }
}

/// A branch's hours on one weekday: open to close, with the midday break (rehat tengah hari).
public struct DayHours: Hashable, Sendable, Codable {
    public var opens: TimeOfDay
    public var closes: TimeOfDay
    public var breakStarts: TimeOfDay?
    public var breakEnds: TimeOfDay?

    public init(opens: TimeOfDay, closes: TimeOfDay, breakStarts: TimeOfDay? = nil, breakEnds: TimeOfDay? = nil) {
        self.opens = opens
        self.closes = closes
        self.breakStarts = breakStarts
        self.breakEnds = breakEnds
    }

    public enum Problem: String, Sendable { case closesBeforeOpening = "hours.closesBeforeOpening", breakOutsideHours = "hours.breakOutsideHours", breakIncomplete = "hours.breakIncomplete" }

    public var problem: Problem? {
        if closes <= opens { return .closesBeforeOpening }
        switch (breakStarts, breakEnds) {
        case (nil, nil): return nil
        case let (start?, end?): return start < end && start >= opens && end <= closes ? nil : .breakOutsideHours
        default: return .breakIncomplete
        }
    }

    /// The office time that counts for SLAs: open to close without the midday break. (Counters stay open
    /// through the break by PKPA 1/2008; the officers who answer cases take it.)
    public var workingIntervals: [Range<Int>] {
        if let start = breakStarts, let end = breakEnds, start < end {
            return [opens.minutes..<start.minutes, end.minutes..<closes.minutes].filter { !$0.isEmpty }
        }
        return [opens.minutes..<closes.minutes]
    }

    public var workingMinutes: Int { workingIntervals.reduce(0) { $0 + $1.count } }
}

/// A branch's week: hours for the days it opens. Days without hours are closed.
public struct OfficeHours: Hashable, Sendable, Codable {
    public var days: [Weekday: DayHours]

    public init(days: [Weekday: DayHours]) { self.days = days }

    private static func hours(_ opens: String, _ closes: String, _ breakStarts: String?, _ breakEnds: String?) -> DayHours {
        DayHours(opens: TimeOfDay(opens)!, closes: TimeOfDay(closes)!,
                 breakStarts: breakStarts.flatMap { TimeOfDay($0) }, breakEnds: breakEnds.flatMap { TimeOfDay($0) })
    }

    /// Federal government hours for a Saturday–Sunday weekend: 8:00–17:00, break 13:00–14:00, and a longer
    /// break on Friday for Friday prayers (12:15–14:45).
    public static let saturdaySundayWeek = OfficeHours(days: [
        .monday: hours("08:00", "17:00", "13:00", "14:00"),
        .tuesday: hours("08:00", "17:00", "13:00", "14:00"),
        .wednesday: hours("08:00", "17:00", "13:00", "14:00"),
        .thursday: hours("08:00", "17:00", "13:00", "14:00"),
        .friday: hours("08:00", "17:00", "12:15", "14:45"),
    ])

    /// Hours for a Friday–Saturday weekend (Kedah, Kelantan, Terengganu): Sunday to Thursday.
    public static let fridaySaturdayWeek = OfficeHours(days: [
        .sunday: hours("08:00", "17:00", "13:00", "14:00"),
        .monday: hours("08:00", "17:00", "13:00", "14:00"),
        .tuesday: hours("08:00", "17:00", "13:00", "14:00"),
        .wednesday: hours("08:00", "17:00", "13:00", "14:00"),
        .thursday: hours("08:00", "17:00", "13:00", "14:00"),
    ])

    public static func standard(for state: MalaysianState, on date: LocalDate) -> OfficeHours {
        WeekendRule.weekend(in: state, on: date) == WeekendRule.fridaySaturday ? fridaySaturdayWeek : saturdaySundayWeek
    }
}

/// Office-hours arithmetic for "within 1 working day" measured in a branch's office time: only working
/// days of the state's calendar, only inside the branch's hours, never in the midday break.
public struct OfficeClock: Sendable {
    public let calendar: WorkingCalendar
    public let state: MalaysianState
    public let hours: OfficeHours

    public init(calendar: WorkingCalendar, state: MalaysianState, hours: OfficeHours) {
        self.calendar = calendar
        self.state = state
        self.hours = hours
    }

    /// Working intervals of a date, as absolute instants.
    func intervals(on date: LocalDate) -> [(start: Date, end: Date)] {
        guard calendar.isWorkingDay(date, in: state), let day = hours.days[date.weekday] else { return [] }
        let midnight = date.startInstant
        return day.workingIntervals.map {
            (midnight.addingTimeInterval(Double($0.lowerBound * 60)), midnight.addingTimeInterval(Double($0.upperBound * 60)))
        }
    }

    /// The instant when `minutes` of office time have passed since `start`. Gives up (nil) after two years
    /// without office time, which only a branch with no hours at all can reach.
    public func adding(officeMinutes minutes: Int, to start: Date) -> Date? {
        var remaining = Double(max(0, minutes) * 60)
        var date = LocalDate(start)
        for _ in 0..<730 {
            for interval in intervals(on: date) where interval.end > start {
                let from = max(interval.start, start)
                let available = interval.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            date = date.adding(days: 1)
        }
        return nil
    }

    /// Office minutes between two instants (0 when `end` is not after `start`).
    public func officeMinutes(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        var seconds = 0.0
        var date = LocalDate(start)
        let last = LocalDate(end)
        while date <= last {
            for interval in intervals(on: date) {
                let from = max(interval.start, start), to = min(interval.end, end)
                if to > from { seconds += to.timeIntervalSince(from) }
            }
            date = date.adding(days: 1)
        }
        return Int(seconds / 60)
    }

    /// One working day of office time, from this branch's typical day: what "within 1 working day" means.
    public var minutesPerWorkingDay: Int {
        hours.days.values.map(\.workingMinutes).max() ?? 0
    }
}
