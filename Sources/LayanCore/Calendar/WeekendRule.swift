/// Which days are the weekend in a state on a date.
public enum WeekendRule {
    public static let saturdaySunday: Set<Weekday> = [.saturday, .sunday]
    public static let fridaySaturday: Set<Weekday> = [.friday, .saturday]

    /// Johor kept a Friday–Saturday weekend from 1 Jan 2014 to 31 Dec 2024, and returned to Saturday–Sunday in 2025.
    static let johorFridaySaturday = LocalDate(year: 2014, month: 1, day: 1)!...LocalDate(year: 2024, month: 12, day: 31)!

    public static func weekend(in state: MalaysianState, on date: LocalDate) -> Set<Weekday> {
        switch state {
        case .kedah, .kelantan, .terengganu: fridaySaturday
        case .johor: johorFridaySaturday.contains(date) ? fridaySaturday : saturdaySunday
        default: saturdaySunday
        }
    }

    public static func isWeekend(_ date: LocalDate, in state: MalaysianState) -> Bool {
        weekend(in: state, on: date).contains(date.weekday)
    }
}
