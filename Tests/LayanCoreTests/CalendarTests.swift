import Foundation
import Testing
@testable import LayanCore

/// The generated holiday data, read from the repository.
let holidayData: HolidayCalendar = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let data = try! Data(contentsOf: root.appendingPathComponent("Resources/Holidays/malaysia.json"))
    return try! HolidayCalendar(json: data)
}()

func day(_ text: String) -> LocalDate { LocalDate(text)! }

@Suite struct LocalDateTests {
    @Test func roundTripsAndWeekdays() {
        #expect(day("1970-01-01").dayNumber == 0)
        #expect(day("1970-01-01").weekday == .thursday)
        #expect(day("2026-11-25").weekday == .wednesday)
        #expect(day("2024-02-29").components == (2024, 2, 29))
        #expect(day("25/11/2026") == day("2026-11-25"))
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("yesterday") == nil)
    }

    @Test func everyDayRoundTripsOverTwoCenturies() {
        var previous = day("1900-01-01")
        for n in (previous.dayNumber + 1)...(day("2100-12-31").dayNumber) {
            let date = LocalDate(dayNumber: n)
            let c = date.components
            #expect(LocalDate(year: c.year, month: c.month, day: c.day) == date)
            #expect(date.weekday.rawValue == (previous.weekday.rawValue + 1) % 7)
            previous = date
        }
    }

    @Test func malaysianDateOfAnInstant() {
        // 2026-11-24 16:30 UTC is already the 25th in Malaysia
        #expect(LocalDate(Date(timeIntervalSince1970: 1_795_537_800)) == day("2026-11-25"))
        #expect(day("2026-11-25").startInstant == Date(timeIntervalSince1970: 1_795_536_000))
    }
}

@Suite struct WeekendRuleTests {
    @Test func fridaySaturdayStates() {
        for state in [MalaysianState.kedah, .kelantan, .terengganu] {
            #expect(WeekendRule.isWeekend(day("2026-11-27"), in: state)) // Friday
            #expect(!WeekendRule.isWeekend(day("2026-11-29"), in: state)) // Sunday
        }
    }

    @Test func johorChangedBackIn2025() {
        // Friday 27 Dec 2024: weekend in Johor; Friday 3 Jan 2025: a working day
        #expect(WeekendRule.isWeekend(day("2024-12-27"), in: .johor))
        #expect(!WeekendRule.isWeekend(day("2024-12-29"), in: .johor))
        #expect(!WeekendRule.isWeekend(day("2025-01-03"), in: .johor))
        #expect(WeekendRule.isWeekend(day("2025-01-05"), in: .johor))
        #expect(WeekendRule.isWeekend(day("2013-12-29"), in: .johor)) // Sunday before the 2014 change
    }

    @Test func everyOtherStateSaturdaySunday() {
        let others = MalaysianState.allCases.filter { ![.kedah, .kelantan, .terengganu, .johor].contains($0) }
        for state in others {
            #expect(WeekendRule.weekend(in: state, on: day("2026-06-01")) == WeekendRule.saturdaySunday)
        }
    }
}

@Suite struct HolidayDataTests {
    let calendar = WorkingCalendar(holidays: holidayData)

    @Test func coversEveryStateEveryYear() {
        #expect(holidayData.firstYear == 2020 && holidayData.lastYear == 2030)
        for state in MalaysianState.allCases {
            for year in 2020...2030 {
                // every state has at least a dozen gazetted holidays a year
                #expect(holidayData.holidays(in: state, year: year).count >= 12, "\(state) \(year)")
            }
        }
    }

    @Test func nationalDayEverywhere() {
        for state in MalaysianState.allCases {
            #expect(holidayData.isHoliday(day("2026-08-31"), in: state))
            #expect(holidayData.isHoliday(day("2026-09-16"), in: state))
        }
    }

    @Test func stateHolidaysStayInTheirState() {
        // Sultan of Kelantan's birthday, 29–30 Sep 2026
        #expect(holidayData.isHoliday(day("2026-09-29"), in: .kelantan))
        #expect(!holidayData.isHoliday(day("2026-09-29"), in: .selangor))
    }

    @Test func replacementHolidayFollowsTheStateWeekend() {
        // Nuzul Al-Quran fell on Saturday 7 Mar 2026; Kelantan (Fri–Sat weekend) replaced it on Sunday 8 Mar,
        // a working day there, while in Selangor Sunday is weekend anyway.
        #expect(calendar.kind(of: day("2026-03-08"), in: .kelantan) != .working)
        #expect(calendar.kind(of: day("2026-03-08"), in: .selangor) == .weekend)
    }

    @Test func adHocHolidayTakesEffect() {
        let adHoc = Holiday(date: day("2026-12-01"), nameMs: "Cuti Peristiwa", nameEn: "Special holiday", states: [.kelantan], adHoc: true)
        let withAdHoc = WorkingCalendar(holidays: holidayData.adding([adHoc]))
        #expect(calendar.isWorkingDay(day("2026-12-01"), in: .kelantan))
        #expect(!withAdHoc.isWorkingDay(day("2026-12-01"), in: .kelantan))
        #expect(withAdHoc.isWorkingDay(day("2026-12-01"), in: .selangor))
        let nationwide = Holiday(date: day("2026-12-02"), nameMs: "Cuti", nameEn: "Holiday", states: [], adHoc: true)
        let everywhere = WorkingCalendar(holidays: holidayData.adding([nationwide]))
        #expect(MalaysianState.allCases.allSatisfy { !everywhere.isWorkingDay(day("2026-12-02"), in: $0) })
    }
}

@Suite struct WorkingDayArithmeticTests {
    let calendar = WorkingCalendar(holidays: holidayData)

    @Test func addsAcrossWeekendsAndHolidays() {
        // Friday 28 Aug 2026 in Selangor + 1 working day: skips the weekend and National Day (Mon 31 Aug)
        #expect(calendar.adding(workingDays: 1, to: day("2026-08-28"), in: .selangor) == day("2026-09-01"))
        // Thursday 27 Aug 2026 in Kelantan + 1: Friday and Saturday are the weekend, so Sunday 30 Aug
        #expect(calendar.adding(workingDays: 1, to: day("2026-08-27"), in: .kelantan) == day("2026-08-30"))
        #expect(calendar.adding(workingDays: 0, to: day("2026-08-29"), in: .selangor) == day("2026-08-29"))
        #expect(calendar.adding(workingDays: -1, to: day("2026-09-01"), in: .selangor) == day("2026-08-28"))
    }

    @Test func fifteenWorkingDaysIsThreeWeeksWithoutHolidays() {
        #expect(calendar.adding(workingDays: 15, to: day("2026-10-12"), in: .putrajaya) == day("2026-11-02"))
    }

    /// Property tests over random dates, states and counts (seeded, so a failure repeats).
    @Test func propertiesHoldForRandomCases() {
        var rng = SeededGenerator(seed: 20261125)
        let first = day("2020-01-01").dayNumber, last = day("2030-06-30").dayNumber
        for _ in 0..<3000 {
            let start = LocalDate(dayNumber: Int.random(in: first...last, using: &rng))
            let state = MalaysianState.allCases.randomElement(using: &rng)!
            let n = Int.random(in: -40...40, using: &rng)
            let end = calendar.adding(workingDays: n, to: start, in: state)
            // the answer is a working day (unless n is 0), lies on the right side, and counts back to n
            if n != 0 { #expect(calendar.isWorkingDay(end, in: state)) }
            #expect(n >= 0 ? end >= start : end < start)
            #expect(calendar.workingDays(from: start, to: end, in: state) == n)
            // adding one more day never goes backwards
            #expect(calendar.adding(workingDays: n + 1, to: start, in: state) > end)
            // n working days take at least n calendar days and, without long holiday runs, not much more
            #expect(abs(end.dayNumber - start.dayNumber) >= abs(n))
            #expect(abs(end.dayNumber - start.dayNumber) <= abs(n) * 2 + 12)
        }
    }
}

@Suite struct OfficeClockTests {
    let calendar = WorkingCalendar(holidays: holidayData)

    func at(_ date: String, _ time: String) -> Date {
        day(date).startInstant.addingTimeInterval(Double(TimeOfDay(time)!.minutes * 60))
    }

    @Test func oneWorkingDayFromLateAfternoonEndsNextAfternoon() {
        let clock = OfficeClock(calendar: calendar, state: .selangor, hours: .saturdaySundayWeek)
        // a working day is 8 h of office time (9 h less the 1 h break)
        #expect(clock.minutesPerWorkingDay == 480)
        // Wednesday 16:00 + 8 office hours: 1 h on Wednesday, 5 h 8:00–13:00 Thursday, 2 h from 14:00 → 16:00
        let due = clock.adding(officeMinutes: 480, to: at("2026-11-25", "16:00"))
        #expect(due == at("2026-11-26", "16:00"))
    }

    @Test func skipsTheMiddayBreakWeekendAndHolidays() {
        let clock = OfficeClock(calendar: calendar, state: .selangor, hours: .saturdaySundayWeek)
        // Friday 28 Aug 2026 12:00 + 60 office minutes: 15 min before the Friday break (12:15–14:45), 45 after it
        #expect(clock.adding(officeMinutes: 60, to: at("2026-08-28", "12:00")) == at("2026-08-28", "15:30"))
        // + 195: the rest of Friday is 150 min; the weekend and National Day (Mon 31 Aug) pass; 45 min on Tuesday
        #expect(clock.adding(officeMinutes: 195, to: at("2026-08-28", "12:00")) == at("2026-09-01", "08:45"))
        // a request during the break starts counting when the break ends
        #expect(clock.adding(officeMinutes: 30, to: at("2026-11-25", "13:20")) == at("2026-11-25", "14:30"))
        #expect(clock.officeMinutes(from: at("2026-11-25", "12:00"), to: at("2026-11-25", "15:00")) == 120)
    }

    @Test func kelantanCountsSunday() {
        let clock = OfficeClock(calendar: calendar, state: .kelantan, hours: .fridaySaturdayWeek)
        // Thursday 26 Nov 2026 16:30 + 60 min: 30 min Thursday, then Sunday 29 Nov 8:00–8:30
        #expect(clock.adding(officeMinutes: 60, to: at("2026-11-26", "16:30")) == at("2026-11-29", "08:30"))
    }

    @Test func addingAndMeasuringAgree() {
        var rng = SeededGenerator(seed: 7)
        let clock = OfficeClock(calendar: calendar, state: .johor, hours: .saturdaySundayWeek)
        for _ in 0..<500 {
            let start = day("2025-01-01").startInstant.addingTimeInterval(Double(Int.random(in: 0..<(365 * 24 * 60), using: &rng) * 60))
            let minutes = Int.random(in: 0...5000, using: &rng)
            let end = clock.adding(officeMinutes: minutes, to: start)!
            #expect(clock.officeMinutes(from: start, to: end) == minutes)
        }
    }

    @Test func hoursValidation() {
        #expect(DayHours(opens: TimeOfDay("17:00")!, closes: TimeOfDay("08:00")!).problem == .closesBeforeOpening)
        #expect(DayHours(opens: TimeOfDay("08:00")!, closes: TimeOfDay("17:00")!, breakStarts: TimeOfDay("18:00")!, breakEnds: TimeOfDay("19:00")!).problem == .breakOutsideHours)
        #expect(DayHours(opens: TimeOfDay("08:00")!, closes: TimeOfDay("17:00")!, breakStarts: TimeOfDay("13:00")!).problem == .breakIncomplete)
        #expect(TimeOfDay("25:00") == nil)
        #expect(TimeOfDay("8:5") == nil)
    }
}

