import Foundation
import LayanCore
import Testing

@Suite struct CharterAchievementTests {
    @Test func nearlyAllIsNotPublishedAsAll() {
        // given 996 of 1,000 services within the standard
        // then the achievement reads 99 %, not 100 %
        #expect(CharterAchievement(met: 996, measured: 1000).percent == 99)
    }

    @Test func nothingMeasuredHasNoPercentage() {
        #expect(CharterAchievement(met: 0, measured: 0).percent == nil)
    }

    @Test func aMonthRunsFromItsFirstDayToTheNextMonthsFirst() {
        // given a day in December
        let month = CharterMonth(containing: LocalDate("2026-12-02")!)
        // then the month is December, the next starts in January, and the one before is November
        #expect(month.first == LocalDate("2026-12-01") && month.next == LocalDate("2027-01-01"))
        #expect(month.previous.first == LocalDate("2026-11-01") && month.previous.next == LocalDate("2026-12-01"))
    }
}
