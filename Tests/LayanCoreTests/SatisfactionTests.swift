import Crypto
import Foundation
import Testing
@testable import LayanCore

/// Satisfaction figures worked out by hand (issue #20): the index, the share satisfied, the confidence interval,
/// MAMPU's star bands, NPS, SERVQUAL's gap, and the signed survey link.
@Suite struct SatisfactionTallyTests {
    @Test func theIndexIsTheScoreObtainedOverTheHighestPossible() {
        // given ten faces: one 1, two 3s, three 4s, four 5s (39 points of 50)
        let tally = SatisfactionTally(counts: [1, 0, 2, 3, 4])
        // then the mean is 3.9, the index 78.0 (three stars) and 7 of 10 were satisfied (4 or 5)
        #expect(tally.responses == 10 && tally.mean == 3.9 && tally.index == 78.0)
        #expect(tally.stars?.stars == 3 && tally.shareSatisfied == 70.0)
    }

    @Test func theConfidenceIntervalNarrowsWithAgreement() {
        // given five 4s and five 5s: mean 4.5, sample deviation √(2.5 / 9) = 0.527
        let tally = SatisfactionTally(counts: [0, 0, 0, 5, 5])
        // then the 95 % margin is 1.96 × 0.527 / √10 = 0.327 points of 5, 6.5 index points; index 90.0, five stars
        #expect(tally.indexMargin == 6.5 && tally.index == 90.0 && tally.stars?.symbols == "★★★★★")
        // and one response has no interval, none has no index
        #expect(SatisfactionTally(counts: [0, 0, 0, 0, 1]).indexMargin == nil && SatisfactionTally().index == nil)
    }

    @Test(arguments: [(100.0, 5), (90.0, 5), (89.9, 4), (80.0, 4), (79.9, 3), (70.0, 3), (69.9, 2), (60.0, 2), (59.9, 1), (50.0, 1), (49.9, 0), (0.0, 0)])
    func starBandsFollowMAMPU(index: Double, stars: Int) {
        #expect(StarBand(index: index).stars == stars)
    }

    @Test func npsIsPromotersLessDetractors() {
        // given 5 promoters (9–10), 3 passives (7–8) and 2 detractors (0–6)
        var tally = RecommendTally()
        tally.add(10, count: 3); tally.add(9, count: 2); tally.add(8, count: 2); tally.add(7); tally.add(6); tally.add(0)
        // then NPS = 50 % − 20 % = 30
        #expect(tally.nps == 30)
    }

    @Test func theGapIsPerceptionLessExpectation() {
        // given expectations 5, 5, 4 and perceptions 4, 3, 4
        var gap = ServqualGap()
        gap.add(expectation: 5, perception: 4); gap.add(expectation: 5, perception: 3); gap.add(expectation: 4, perception: 4)
        // then the gap is (11 − 14) / 3 = −1.0: the service fell short
        #expect(gap.gap == -1.0 && gap.expectation.map { ($0 * 100).rounded() } == 467)
    }

    @Test func reasonsOfferedFollowTheFace() {
        // then a low face offers what went wrong, each tied to a quality item; a high one what went well
        #expect(RatingReason.offered(for: 2).allSatisfy { !$0.isPraise } && RatingReason.offered(for: 5).allSatisfy(\.isPraise))
        #expect(RatingReason.notFriendly.quality == .friendlyAndFair && RatingReason.notFriendly.quality.group == .emotion)
        #expect(QualityItem.allCases.count == 14 && QualityItem.allCases.filter { $0.group == .physical }.count == 2)
    }
}

@Suite struct SurveyLinkTests {
    let link = SurveyLink(key: SymmetricKey(size: .bits256))
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func aLinkOpensItsOwnSurveyUntilItExpires() {
        // given a link for a survey, valid for 14 days
        let id = UUID()
        let token = link.token(for: id, expires: now.addingTimeInterval(14 * 86_400))
        // then it opens that survey now, and is expired after 14 days
        #expect(link.check(token, now: now) == .valid(id))
        #expect(link.check(token, now: now.addingTimeInterval(15 * 86_400)) == .expired(id))
    }

    @Test func aLinkMadeUpOrAlteredIsRefused() {
        // given a real link, one with its expiry pushed out, and one signed by another key
        let token = link.token(for: UUID(), expires: now.addingTimeInterval(60))
        var bytes = Array(token)
        bytes[5] = bytes[5] == "A" ? "B" : "A"
        let other = SurveyLink(key: SymmetricKey(size: .bits256)).token(for: UUID(), expires: now.addingTimeInterval(60))
        // then only the real one opens
        #expect(link.check(String(bytes), now: now) == .invalid && link.check(other, now: now) == .invalid)
        #expect(link.check("nonsense", now: now) == .invalid && link.check("a.b.c", now: now) == .invalid)
    }
}
