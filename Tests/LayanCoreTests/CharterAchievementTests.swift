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

@Suite struct CharterCellTests {
    @Test func aMonthWithNoTransactionsIsNotApplicableNotAHundredPercent() {
        // given no transaction in the month
        let cell = CharterCell(met: 0, missed: 0, open: 0, targetPercent: 90)
        // then it is TB with no percentage
        #expect(cell.state == .none && cell.percentMet == nil)
    }

    @Test(arguments: [
        // met, missed, open, target → state (worked out by hand: total = met + missed + open)
        (9, 1, 0, 90, CharterCell.State.met),        // 9/10 = 90 % ≥ 90
        (8, 2, 0, 90, CharterCell.State.notMet),     // 8/10 = 80 %
        (8, 1, 1, 90, CharterCell.State.inProgress), // 8/10 now; 9/10 if the open one is met
        (7, 2, 1, 90, CharterCell.State.notMet),     // at best 8/10
        (18, 0, 2, 90, CharterCell.State.met),       // 18/20 reached whatever the open two do
    ])
    func theStateIsDecidedOnlyWhenTheOpenOnesCannotChangeIt(met: Int, missed: Int, open: Int, target: Int, state: CharterCell.State) {
        // given a month's transactions against a 90 % target
        let cell = CharterCell(met: met, missed: missed, open: open, targetPercent: target)
        // then its state is C, TC or DT as worked out above
        #expect(cell.state == state)
    }

    @Test func thePercentageIsRoundedDownToOneDecimal() {
        // given 1,999 of 2,000 met
        let cell = CharterCell(met: 1999, missed: 1, open: 0, targetPercent: 90)
        // then 99.9 %, never 100.0 %
        #expect(cell.percentMet == 99.9)
    }

    @Test func branchesAddUpToTheAgency() {
        // given two branches' cells
        let sum = CharterCell(met: 5, missed: 1, open: 0, targetPercent: 80) + CharterCell(met: 2, missed: 2, open: 1, targetPercent: 80)
        // then the agency's cell holds both
        #expect(sum == CharterCell(met: 7, missed: 3, open: 1, targetPercent: 80))
    }

    @Test func aMonthIsNamedByItsKeyAndTheLastTwelveEndWithIt() {
        // given February 2026
        let month = CharterMonth(key: "2026-02")!
        // then its key reads back and the twelve months end with it, from March 2025
        #expect(month.key == "2026-02")
        let twelve = month.lastMonths(12)
        #expect(twelve.count == 12 && twelve.first?.key == "2025-03" && twelve.last?.key == "2026-02")
        #expect(CharterMonth(key: "2026-13") == nil && CharterMonth(key: "nonsense") == nil)
    }
}

@Suite struct CharterQualityTests {
    let good = CharterCommitmentDraft(textMS: "Pelanggan dipanggil dalam masa 15 minit", textEN: "Customers are called within 15 minutes",
                                      metric: .counterWait, standard: 15, targetPercent: 90, subject: "A")

    @Test func aMeasurableCommitmentInBothLanguagesPasses() {
        #expect(CharterQualityCheck.findings([good]).isEmpty)
    }

    @Test func aCommitmentWithoutANumberCannotBePublished() {
        // given a commitment with no standard
        var vague = good; vague.standard = nil
        // then it is not measurable, an error
        let found = CharterQualityCheck.findings([vague])
        #expect(found == [.notMeasurable(index: 0)] && found[0].isError)
    }

    @Test func aManualMetricNeedsItsUnit() {
        // given a manual metric with a number but no unit
        let manual = CharterCommitmentDraft(textMS: "Lesen dikeluarkan dalam 7 hari", textEN: "Licences issued within 7 days",
                                            metric: .manual, standard: 7, targetPercent: 90)
        // then it is not measurable until the unit is given
        #expect(CharterQualityCheck.findings([manual]) == [.notMeasurable(index: 0)])
        var withUnit = manual; withUnit.manualUnit = .days
        #expect(CharterQualityCheck.findings([withUnit]).isEmpty)
    }

    @Test(arguments: ["Aduan diambil tindakan dengan segera", "Dijawab secepat mungkin"])
    func vagueMalayWordingIsNamedInAWarning(text: String) {
        // given Malay wording that promises no time
        var vague = good; vague.textMS = text
        // then a warning names the word, and it does not stop publishing
        let found = CharterQualityCheck.findings([vague])
        #expect(found.count == 1 && !found[0].isError)
        if case let .vagueWording(_, word) = found[0] { #expect(text.lowercased().contains(word)) } else { Issue.record("no vague wording") }
    }

    @Test func aWordInsideAnotherIsNotVague() {
        // given "asap" inside another word
        var text = good; text.textEN = "Customers at Asapura branch are called within 15 minutes"
        // then no warning
        #expect(CharterQualityCheck.findings([text]).isEmpty)
    }

    @Test func aTargetNoBranchReachedIsQuestionedAsImpractical() {
        // given no branch reached its target in the last three months
        let found = CharterQualityCheck.findings([good]) { _ in false }
        // then a "practical?" warning
        #expect(found == [.neverMet(index: 0)])
    }

    @Test func aBranchStandardIsHeldToTheSameRulesAsTheAgencys() {
        // given a branch given no time and a branch given a target of 120 %
        var bad = good
        bad.branchStandards = [CharterBranchStandard(branchID: UUID(), standard: 0, targetPercent: nil),
                               CharterBranchStandard(branchID: UUID(), standard: nil, targetPercent: 120)]
        // then neither can be published
        #expect(CharterQualityCheck.findings([bad]) == [.notMeasurable(index: 0), .targetOutOfRange(index: 0)])
    }

    @Test func aBranchKeepsItsOwnStandardAndTargetAndOthersTheAgencys() {
        // given a branch promising 20 minutes at 85 %
        let own = UUID()
        var draft = good
        draft.branchStandards = [CharterBranchStandard(branchID: own, standard: 20, targetPercent: 85)]
        // then it is judged by its own, every other branch and the agency by the charter's
        #expect(draft.standard(at: own) == 20 && draft.targetPercent(at: own) == 85)
        #expect(draft.standard(at: UUID()) == good.standard && draft.targetPercent(at: nil) == good.targetPercent)
    }

    @Test func onlyCounterAndCaseCommitmentsHoldBranchStandards() {
        // given a telephone commitment written with a branch standard
        let call = CharterCommitmentDraft(textMS: "Panggilan dijawab dalam 10 saat", textEN: "Calls answered within 10 seconds", metric: .telephoneAnswer,
                                          standard: 10, targetPercent: 90, branchStandards: [CharterBranchStandard(branchID: UUID(), standard: 20, targetPercent: nil)])
        // then it is dropped: calls are counted for the agency
        #expect(call.branchStandards.isEmpty)
    }

    @Test func anEmptyCharterCannotBePublished() {
        #expect(CharterQualityCheck.findings([]) == [.empty])
    }
}

@Suite struct CharterReviewTests {
    @Test func theReviewFallsDueTwelveMonthsAfterTheCharterTookEffect() {
        // given a charter in force from 15 March 2026
        let review = CharterReview(effective: LocalDate("2026-03-15")!)
        // then the review is due on 15 March 2027, and overdue the day after
        #expect(review.due == LocalDate("2027-03-15"))
        #expect(!review.isOverdue(on: LocalDate("2027-03-15")!) && review.isOverdue(on: LocalDate("2027-03-16")!))
    }

    @Test func aLeapDayCharterIsDueOnTheLastDayOfFebruary() {
        #expect(CharterReview(effective: LocalDate("2028-02-29")!).due == LocalDate("2029-02-28"))
    }

    @Test func remindersGoAtThirtyAndSevenDaysAndAMissedDayIsCaughtUp() {
        // given a review due on 31 December 2026
        let review = CharterReview(effective: LocalDate("2025-12-31")!)
        // then nothing 31 days before, the 30-day reminder from 30 days before (also caught up later), the 7-day one
        // from 7 days before, and none twice
        #expect(review.reminder(on: LocalDate("2026-11-30")!, alreadySent: []) == nil)
        #expect(review.reminder(on: LocalDate("2026-12-01")!, alreadySent: []) == 30)
        #expect(review.reminder(on: LocalDate("2026-12-10")!, alreadySent: []) == 30)
        #expect(review.reminder(on: LocalDate("2026-12-10")!, alreadySent: [30]) == nil)
        #expect(review.reminder(on: LocalDate("2026-12-24")!, alreadySent: [30]) == 7)
        #expect(review.reminder(on: LocalDate("2026-12-26")!, alreadySent: [30, 7]) == nil)
        #expect(review.reminder(on: LocalDate("2027-01-01")!, alreadySent: [30]) == nil)
    }
}
