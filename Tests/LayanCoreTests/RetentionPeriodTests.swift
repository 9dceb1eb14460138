import Foundation
import Testing
@testable import LayanCore

@Suite struct RetentionPeriodTests {
    @Test func theCutoffIsCalendarMonthsBackInMalaysianTime() throws {
        // given seven years' retention, on 2026-12-07 10:00 MYT
        let period = try #require(RetentionPeriod(months: 84))
        let now = Date(timeIntervalSince1970: 1_796_608_800)
        // when the cutoff is taken; then it is 2019-12-07 10:00 MYT
        #expect(period.cutoff(now: now) == Date(timeIntervalSince1970: 1_575_684_000))
    }

    @Test func aPeriodOutsideOneMonthToFiftyYearsIsRefused() {
        #expect(RetentionPeriod(months: 0) == nil && RetentionPeriod(months: 601) == nil && RetentionPeriod(months: 1) != nil)
    }
}
