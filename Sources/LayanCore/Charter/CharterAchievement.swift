import Foundation

/// How far a Client Charter commitment was kept over a period (PKPA 1/2008: agencies publish their charter
/// achievement): of the services measured, how many met the standard.
public struct CharterAchievement: Sendable, Equatable {
    public let met: Int
    public let measured: Int

    public init(met: Int, measured: Int) {
        self.met = met
        self.measured = measured
    }

    /// Whole percent, rounded down so 99.6 % is not published as 100 %; nil when nothing was measured.
    public var percent: Int? { measured == 0 ? nil : met * 100 / measured }
}

/// A calendar month in Malaysian time, for monthly achievement.
public struct CharterMonth: Sendable, Equatable {
    public let first: LocalDate
    /// The first day of the next month: the period is `first ..< next`.
    public let next: LocalDate

    public init(containing day: LocalDate) {
        let c = day.components
        first = LocalDate(year: c.year, month: c.month, day: 1)!
        next = c.month == 12 ? LocalDate(year: c.year + 1, month: 1, day: 1)! : LocalDate(year: c.year, month: c.month + 1, day: 1)!
    }

    public var previous: CharterMonth { CharterMonth(containing: first.adding(days: -1)) }
}
