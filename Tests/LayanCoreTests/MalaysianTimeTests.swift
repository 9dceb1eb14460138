import Foundation
import Testing
@testable import LayanCore

@Suite struct MalaysianTimeTests {
    /// 2026-11-25 08:05 UTC is 4:05 pm in Kuala Lumpur (UTC+8, no daylight saving).
    let afternoon = Date(timeIntervalSince1970: 1_795_593_900)

    @Test func showsKualaLumpurTimeNotUTC() {
        #expect(MalaysianTime.time(afternoon, in: .en) == "4:05 pm")
        #expect(MalaysianTime.time(afternoon, in: .ms) == "4:05 ptg")
    }

    @Test func datesAreDayFirst() {
        #expect(MalaysianTime.shortDate(afternoon) == "25/11/2026")
        #expect(MalaysianTime.longDate(afternoon, in: .ms) == "25 November 2026")
        #expect(MalaysianTime.dateTime(afternoon, in: .en) == "25 November 2026, 4:05 pm")
    }

    @Test func dateChangesAtMalaysianMidnight() {
        // given 16:30 UTC, which is 00:30 the next day in Malaysia
        let lateUTC = Date(timeIntervalSince1970: 1_795_537_800) // 2026-11-24 16:30 UTC
        // then the Malaysian date is the 25th
        #expect(MalaysianTime.shortDate(lateUTC) == "25/11/2026")
        #expect(MalaysianTime.time(lateUTC, in: .ms) == "12:30 pagi")
    }

    @Test func malayMonthAndDayNames() {
        let december = Date(timeIntervalSince1970: 1_798_185_600) // 2026-12-25 16:00 in Kuala Lumpur
        #expect(MalaysianTime.longDate(december, in: .ms) == "25 Disember 2026")
        #expect(MalaysianTime.weekday(december, in: .ms) == "Jumaat")
        #expect(MalaysianTime.weekday(december, in: .en) == "Friday")
    }

    @Test func aDueDateReadsTheSameAsItsMidnight() {
        let start = LocalDate(year: 2025, month: 12, day: 20)!
        for offset in 0 ..< 800 {
            let day = start.adding(days: offset)
            for language in [Language.ms, .en] {
                #expect(MalaysianTime.longDate(day, in: language) == MalaysianTime.longDate(day.startInstant, in: language))
            }
        }
    }
}
