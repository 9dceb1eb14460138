import Foundation

/// A calendar date in Malaysia, without a time. Arithmetic is on days since 1970-01-01, so it is exact and
/// fast (no `Calendar` in the hot loops of SLA and working-day counting).
public struct LocalDate: Hashable, Comparable, Sendable, TextCodable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        dayNumber = era * 146_097 + doe - 719_468
    }

    /// Parses "2026-11-25" (ISO 8601) or "25/11/2026" (Malaysian).
    public init?(_ text: String) {
        let trimmed = text.trimmed
        let iso = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        let local = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if iso.count == 3, iso[0].count == 4, let y = Int(iso[0]), let m = Int(iso[1]), let d = Int(iso[2]) {
            self.init(year: y, month: m, day: d)
        } else if local.count == 3, local[2].count == 4, let d = Int(local[0]), let m = Int(local[1]), let y = Int(local[2]) {
            self.init(year: y, month: m, day: d)
        } else {
            return nil
        }
    }

    /// The Malaysian date of an instant.
    public init(_ instant: Date) {
        let seconds = Int(floor(instant.timeIntervalSince1970)) + MalaysianTime.secondsFromGMT(for: instant)
        dayNumber = Int(floor(Double(seconds) / 86_400))
    }

    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var year: Int { components.year }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        Weekday(rawValue: ((dayNumber % 7) + 7 + 4) % 7)!
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Midnight at the start of this date in Malaysia (UTC+8 all year: no daylight saving).
    public var startInstant: Date {
        let offset = MalaysianTime.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(dayNumber) * 86_400))
        return Date(timeIntervalSince1970: Double(dayNumber * 86_400 - offset))
    }

    public var iso: String {
        let c = components
        return c.year.zeroPadded(4) + "-" + c.month.zeroPadded(2) + "-" + c.day.zeroPadded(2)
    }

    public var description: String { iso }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public init?(text: String) { self.init(text) }

    public var text: String { iso }
}

/// Days of the week, Sunday first as in `Calendar`.
public enum Weekday: Int, CaseIterable, Sendable, Codable, CodingKeyRepresentable {
    case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday

    public static let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    public var name: String { Weekday.names[rawValue] }

    public init?(name: String) {
        guard let index = Weekday.names.firstIndex(of: name.lowercased()) else { return nil }
        self.init(rawValue: index)
    }

    /// Encoded as "monday", … so hours stored as JSON read `{"monday": {…}}`.
    public var codingKey: any CodingKey { Key(stringValue: name)! }

    public init?<T: CodingKey>(codingKey: T) { self.init(name: codingKey.stringValue) }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Monday first, as Malaysian timetables list the week.
    public static let mondayFirst: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday]
}
