import Foundation
import Testing
@testable import LayanCore

@Suite struct CaseReferenceTests {
    @Test func formatsAndReadsBack() {
        let reference = CaseReference(type: .complaint, year: 2026, number: 123)
        #expect(reference.description == "ADU-2026-000123")
        #expect(CaseReference("adu-2026-000123") == reference)
        #expect(CaseReference(" ADU 2026 123 ".trimmingCharacters(in: .whitespaces)) == reference)
        #expect(CaseReference("PGH-2027-1234567")?.description == "PGH-2027-1234567")
        for bad in ["", "ADU-2026", "XYZ-2026-000001", "ADU-26-000001", "ADU-2026-000000", "ADU-2026-abc", "ADU-2026-１２３"] {
            #expect(CaseReference(bad) == nil, "\(bad)")
        }
        #expect(Set(CaseType.allCases.map(\.prefix)).count == CaseType.allCases.count)
    }

    @Test func phoneNumbersCompareByDigits() {
        #expect(PhoneNumber.digits("+60 12-345 6789") == "0123456789")
        #expect(PhoneNumber.digits("012 345 6789") == "0123456789")
        #expect(PhoneNumber.international("012-345 6789") == "60123456789")
    }
}

@Suite struct CaseLifecycleTests {
    @Test func theWholeLifeOfAComplaint() {
        var status = CaseStatus.new
        for action in [CaseAction.acknowledge, .start, .awaitCustomer, .resume, .awaitAgency, .resume, .resolve, .reopen, .resolve, .close] {
            guard let next = CaseLifecycle.next(from: status, on: action) else { Issue.record("\(action) refused from \(status)"); return }
            status = next
        }
        #expect(status == .closed)
    }

    @Test func endingsAreFinalAndImpossibleStepsAreRefused() {
        for ending in [CaseStatus.rejected, .duplicate] {
            #expect(CaseAction.allCases.allSatisfy { CaseLifecycle.next(from: ending, on: $0) == nil })
        }
        #expect(CaseLifecycle.next(from: .new, on: .resolve) == nil, "a case is acknowledged before it is resolved")
        #expect(CaseLifecycle.next(from: .new, on: .close) == nil)
        #expect(CaseLifecycle.next(from: .inProgress, on: .reopen) == nil)
        #expect(CaseLifecycle.next(from: .closed, on: .resolve) == nil)
        #expect(CaseLifecycle.staffActions(from: .closed).isEmpty)
        #expect(CaseLifecycle.staffActions(from: .new) == [.acknowledge, .start, .awaitCustomer, .awaitAgency, .reject, .markDuplicate])
    }

    @Test func everyStatusIsReachableFromNew() {
        var seen: Set<CaseStatus> = [.new]
        var frontier: [CaseStatus] = [.new]
        while let status = frontier.popLast() {
            for action in CaseAction.allCases {
                if let next = CaseLifecycle.next(from: status, on: action), seen.insert(next).inserted { frontier.append(next) }
            }
        }
        #expect(seen == Set(CaseStatus.allCases))
    }

    @Test func reopeningWindow() {
        let policy = ReopenPolicy(reopenWithinDays: 14)
        #expect(policy.mayReopen(resolvedOn: day("2026-11-01"), today: day("2026-11-15")))
        #expect(!policy.mayReopen(resolvedOn: day("2026-11-01"), today: day("2026-11-16")))
    }
}

@Suite struct CaseClockTests {
    let calendar = WorkingCalendar(holidays: holidayData)

    @Test func acknowledgeTheNextWorkingDayOfTheBranchState() {
        // Thursday 26 Nov 2026: Kelantan rests Friday and Saturday, Putrajaya Saturday and Sunday.
        let kelantan = CaseClock(receivedOn: day("2026-11-26"), standard: .pkpaDefault, state: .kelantan)
        #expect(kelantan.acknowledgeBy(calendar) == day("2026-11-29"))
        let putrajaya = CaseClock(receivedOn: day("2026-11-26"), standard: .pkpaDefault, state: .putrajaya)
        #expect(putrajaya.acknowledgeBy(calendar) == day("2026-11-27"))
        // A Friday case in Putrajaya is acknowledged on Monday.
        #expect(CaseClock(receivedOn: day("2026-11-27"), standard: .pkpaDefault, state: .putrajaya).acknowledgeBy(calendar) == day("2026-11-30"))
    }

    @Test func resolveWithinFifteenWorkingDaysSkippingHolidays() {
        // Selangor: Sultan's birthday on 11 Dec 2026 is a state holiday; Putrajaya works that day.
        let selangor = CaseClock(receivedOn: day("2026-11-25"), standard: .pkpaDefault, state: .selangor)
        let putrajaya = CaseClock(receivedOn: day("2026-11-25"), standard: .pkpaDefault, state: .putrajaya)
        #expect(calendar.kind(of: day("2026-12-11"), in: .selangor) != .working)
        #expect(putrajaya.resolveBy(calendar, today: day("2026-11-25")) == day("2026-12-16"))
        #expect(selangor.resolveBy(calendar, today: day("2026-11-25")) == day("2026-12-17"))
    }

    @Test func waitingForTheCustomerPausesTheClock() {
        let state = MalaysianState.putrajaya
        let running = CaseClock(receivedOn: day("2026-11-25"), standard: .pkpaDefault, state: state)
        let due = running.resolveBy(calendar, today: day("2026-11-25"))
        // Paused Monday 30 Nov, still paused on Thursday 3 Dec: three working days (1, 2, 3 Dec) added so far.
        let paused = CaseClock(receivedOn: day("2026-11-25"), standard: .pkpaDefault, state: state, pausedSince: day("2026-11-30"))
        #expect(paused.resolveBy(calendar, today: day("2026-12-03")) == calendar.adding(workingDays: 3, to: due, in: state))
        // Once resumed, the pause is kept as a count.
        let length = CaseClock.pauseLength(calendar, since: day("2026-11-30"), until: day("2026-12-03"), in: state)
        #expect(length == 3)
        let resumed = CaseClock(receivedOn: day("2026-11-25"), standard: .pkpaDefault, state: state, pausedWorkingDays: length)
        #expect(resumed.resolveBy(calendar, today: day("2026-12-20")) == paused.resolveBy(calendar, today: day("2026-12-03")))
    }

    @Test func dueDatesAreAlwaysWorkingDaysAndMetUpToTheirEnd() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let state = MalaysianState.allCases.randomElement(using: &generator)!
            let received = day("2025-01-01").adding(days: Int.random(in: 0..<1400, using: &generator))
            let standard = ServiceStandard(acknowledgeWorkingDays: Int.random(in: 1...3, using: &generator), resolveWorkingDays: Int.random(in: 1...30, using: &generator))
            let clock = CaseClock(receivedOn: received, standard: standard, state: state)
            let due = clock.resolveBy(calendar, today: received)
            #expect(calendar.isWorkingDay(due, in: state))
            #expect(calendar.workingDays(from: received, to: due, in: state) == standard.resolveWorkingDays)
            #expect(CaseClock.met(doneOn: due, due: due))
            #expect(!CaseClock.met(doneOn: due.adding(days: 1), due: due))
        }
    }

    @Test func overridesComeFromTheCategoryThenTheType() {
        let type = ServiceStandard(acknowledgeWorkingDays: 1, resolveWorkingDays: 5)
        let category = ServiceStandard(acknowledgeWorkingDays: 1, resolveWorkingDays: 30)
        #expect(ServiceStandard.resolve(typeOverride: type, categoryOverride: category) == category)
        #expect(ServiceStandard.resolve(typeOverride: type, categoryOverride: nil) == type)
        #expect(ServiceStandard.resolve(typeOverride: nil, categoryOverride: nil) == .pkpaDefault)
    }
}

@Suite struct DutyRotaTests {
    @Test func fewestOpenCasesFirstThenWhoeverWaitedLongest() {
        let a = DutyAssignment.Candidate(id: "a", openCases: 3, lastAssignedAt: 10)
        let b = DutyAssignment.Candidate(id: "b", openCases: 1, lastAssignedAt: 50)
        let c = DutyAssignment.Candidate(id: "c", openCases: 1, lastAssignedAt: 20)
        #expect(DutyAssignment.choose(from: [a, b, c])?.id == "c")
        #expect(DutyAssignment.choose(from: [a, b, DutyAssignment.Candidate(id: "d", openCases: 1, lastAssignedAt: nil)])?.id == "d")
        #expect(DutyAssignment.choose(from: []) == nil)
    }

    @Test func loadEvensOutOverADay() {
        var load = ["a": 0, "b": 4, "c": 0]
        var last: [String: Double] = [:]
        for t in 0..<60 {
            let pick = DutyAssignment.choose(from: load.map { .init(id: $0.key, openCases: $0.value, lastAssignedAt: last[$0.key]) })!
            load[pick.id, default: 0] += 1
            last[pick.id] = Double(t)
        }
        #expect(load.values.max()! - load.values.min()! <= 1)
    }

    @Test func aDeskSharesCasesFiledTogetherAsIfFiledOneByOne() {
        var desk = DutyDesk(officers: [.init(id: "a", division: nil, openCases: 2, lastAssignedAt: 5),
                                       .init(id: "b", division: nil, openCases: 0, lastAssignedAt: nil),
                                       .init(id: "u", division: "unit", openCases: 9, lastAssignedAt: 1)])
        // Branch-wide cases go to the branch's officers only, fewest first, each case raising the load.
        let given = (0..<6).map { desk.assign(division: nil, at: Double(10 + $0))! }
        #expect(given == ["b", "b", "a", "b", "a", "b"])
        // A unit's case goes to its own officer however loaded; a unit with nobody on duty falls to the branch's.
        #expect(desk.assign(division: "unit", at: 20) == "u")
        #expect(desk.officers.first { $0.id == "u" }?.openCases == 10)
        #expect(desk.assign(division: "other", at: 21) == "a")
    }

    @Test func anOfficerOnTwoShiftsCarriesOneLoad() {
        var desk = DutyDesk(officers: [.init(id: "a", division: "unit", openCases: 0, lastAssignedAt: nil),
                                       .init(id: "a", division: nil, openCases: 0, lastAssignedAt: nil),
                                       .init(id: "b", division: nil, openCases: 1, lastAssignedAt: 0)])
        #expect(desk.assign(division: "unit", at: 1) == "a")
        // a now holds one case on both shifts: tied with b, and b waited longer.
        #expect(desk.assign(division: nil, at: 2) == "b")
        #expect(DutyDesk(officers: []).isEmpty)
        var empty = DutyDesk(officers: [])
        #expect(empty.assign(division: nil, at: 0) == nil)
    }

    @Test func warnsOfWorkingDaysWithNobodyOnDuty() {
        let calendar = WorkingCalendar(holidays: holidayData)
        // From Friday 27 Nov 2026 in Putrajaya: Fri, Mon, Tue, Wed, Thu are the next five working days.
        let gaps = DutyCoverage.uncovered(from: day("2026-11-27"), workingDays: 5, calendar: calendar, state: .putrajaya,
                                          covered: [day("2026-11-27"), day("2026-12-01")])
        #expect(gaps == [day("2026-11-30"), day("2026-12-02"), day("2026-12-03")])
    }
}

@Suite struct MailMessageTests {
    @Test func headersAreEncodedAndNeverSplit() {
        let mail = MailMessage(from: "layan@agensi.gov.my", to: "siti@example.my", subject: "Aduan ADU-2026-000001 diterima — terima kasih\r\nBcc: evil@x",
                               body: "Salam.\n.\nTerima kasih.", messageID: "abc@layan")
        let text = mail.rendered(date: Date(timeIntervalSince1970: 1_795_536_000))
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Date: Wed, 25 Nov 2026 00:00:00 +0800"))
        let body = text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(data: Data(base64Encoded: body)!, encoding: .utf8) == "Salam.\n.\nTerima kasih.")
        #expect(!MailMessage.isSafeEnvelopeAddress("a@b>\r\nRCPT TO:<c@d"))
        #expect(MailMessage.isSafeEnvelopeAddress("siti@example.my"))
    }

    @Test func backOffDoublesToACapThenGivesUp() {
        let policy = RetryPolicy(firstDelay: 30, maximumDelay: 600, maximumAttempts: 6)
        #expect((1...6).map { policy.delay(afterAttempts: $0) } == [30, 60, 120, 240, 480, nil])
        #expect(RetryPolicy(firstDelay: 30, maximumDelay: 100, maximumAttempts: 10).delay(afterAttempts: 5) == 100)
    }
}
