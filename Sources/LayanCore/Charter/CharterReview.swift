import Foundation

/// PKPA 1/2008: a Client Charter is reviewed at least once every 12 months. The review falls due twelve months after
/// the version in force took effect; heads of unit are reminded 30 and 7 days before, and after that it is overdue
/// everywhere (every staff dashboard and the public page).
public struct CharterReview: Sendable, Equatable {
    public static let months = 12
    /// Days before the due date on which a reminder goes out.
    public static let reminderDays = [30, 7]

    public let due: LocalDate

    /// The same day twelve months after `effective` (29 February falls back to 28 February).
    public init(effective: LocalDate) {
        let c = effective.components
        let year = c.year + Self.months / 12
        due = LocalDate(year: year, month: c.month, day: c.day) ?? LocalDate(year: year, month: c.month, day: c.day - 1)!
    }

    public func daysLeft(on today: LocalDate) -> Int { due.dayNumber - today.dayNumber }
    public func isOverdue(on today: LocalDate) -> Bool { daysLeft(on: today) < 0 }

    /// The reminder to send on `today` given those already sent (30 or 7, the most urgent one reached), or nil. A day
    /// the job did not run is caught up on the next, and never two reminders at once.
    public func reminder(on today: LocalDate, alreadySent: Set<Int>) -> Int? {
        let left = daysLeft(on: today)
        guard left >= 0 else { return nil }
        let reached = Self.reminderDays.filter { left <= $0 }
        guard let urgent = reached.min(), !alreadySent.contains(urgent) else { return nil }
        return urgent
    }
}
