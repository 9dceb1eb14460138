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

/// One cell of the published achievement table: a commitment's transactions received in one month (PKPA 1/2008;
/// a transaction counts in the month it was received, however late it is judged), in the states agencies publish.
public struct CharterCell: Sendable, Equatable, Codable {
    /// C, TC, DT and TB as agencies print them (shared/references.md).
    public enum State: String, Sendable, Codable {
        /// C — mencapai sasaran: the target share is reached, whatever the open ones do.
        case met = "C"
        /// TC — tidak mencapai: the target cannot be reached even if every open one meets the standard.
        case notMet = "TC"
        /// DT — dalam tindakan: still open ones decide it.
        case inProgress = "DT"
        /// TB — tidak berkaitan: no transactions (never "0/0 = 100 %").
        case none = "TB"
    }

    public let met: Int
    public let missed: Int
    /// Received in the month and not yet judged (a case not yet resolved and not yet late).
    public let open: Int
    public let targetPercent: Int

    public init(met: Int, missed: Int, open: Int, targetPercent: Int) {
        self.met = met
        self.missed = missed
        self.open = open
        self.targetPercent = targetPercent
    }

    public var transactions: Int { met + missed + open }

    /// Percent of the month's transactions that met the standard, one decimal, rounded down (99.96 is not 100.0).
    public var percentMet: Double? {
        transactions == 0 ? nil : Double(met * 1000 / transactions) / 10
    }

    public var state: State {
        let total = transactions
        if total == 0 { return .none }
        if met * 100 >= targetPercent * total { return .met }
        if (met + open) * 100 < targetPercent * total { return .notMet }
        return .inProgress
    }

    /// Adds two cells of the same commitment (branches into the agency, months into a year).
    public static func + (a: CharterCell, b: CharterCell) -> CharterCell {
        CharterCell(met: a.met + b.met, missed: a.missed + b.missed, open: a.open + b.open, targetPercent: a.targetPercent)
    }
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
    public var following: CharterMonth { CharterMonth(containing: next) }

    /// `YYYY-MM`, as the API and the CSV name a month.
    public var key: String { String(first.iso.prefix(7)) }

    public init?(key: String) {
        guard key.count == 7, let day = LocalDate(key + "-01") else { return nil }
        self.init(containing: day)
    }

    /// The `count` months ending with this one, oldest first.
    public func lastMonths(_ count: Int) -> [CharterMonth] {
        var months = [self]
        while months.count < count { months.insert(months[0].previous, at: 0) }
        return months
    }
}
