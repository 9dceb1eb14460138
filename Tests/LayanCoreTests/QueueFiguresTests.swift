import Foundation
import Testing
@testable import LayanCore

@Suite struct QueueFiguresTests {
    let service = UUID()
    let start = Date(timeIntervalSince1970: 1_795_536_000 + 8 * 3600)

    func visit(wait: Double?, service seconds: Double? = 300, status: TicketStatus = .done, transfers: Int = 0) -> VisitRecord {
        let called = wait.map { start.addingTimeInterval($0) }
        return VisitRecord(serviceID: service, counterID: nil, officerID: nil, status: status, arrivedAt: start, calledAt: called,
                           servingStartedAt: called, completedAt: seconds.flatMap { s in called.map { $0.addingTimeInterval(s) } },
                           transfers: transfers, targetSeconds: 900)
    }

    @Test func countsAndTimes() {
        let visits = [visit(wait: 60), visit(wait: 600), visit(wait: 1200), visit(wait: 300, status: .noShow), visit(wait: nil, service: nil, status: .waiting, transfers: 1)]
        let figures = QueueFigures(visits)
        #expect(figures.issued == 5 && figures.served == 3 && figures.noShows == 1 && figures.transfers == 1 && figures.waiting == 1)
        #expect(figures.meanWaitSeconds == 540.0)
        #expect(figures.p90WaitSeconds == 1200)
        #expect(figures.withinTarget == 0.75)
        #expect(figures.meanServiceSeconds == 300)
    }

    @Test func emptyDayHasNoAverages() {
        let figures = QueueFigures([])
        #expect(figures.issued == 0 && figures.meanWaitSeconds == nil && figures.withinTarget == nil)
    }

    @Test func percentileIsNearestRank() {
        #expect(QueueFigures.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9)
        #expect(QueueFigures.percentile([5], 0.9) == 5)
    }

    @Test func staffingAdviceWhenOverTarget() {
        // 12 waiting, 2 counters, 5 min each: the last waits ~32 min against a 15 min target
        let advice = StaffingAdvice(waiting: 12, openCounters: 2, arrivalsPerHour: 40, handlingSeconds: 300, targetSeconds: 900)
        #expect(advice.overTarget)
        #expect(advice.countersNeeded == ErlangC.countersNeeded(arrivalsPerHour: 40, handlingSeconds: 300, target: 900, share: 0.8))
        #expect(advice.countersNeeded! > 2)
        #expect(advice.recommendsMore)
        let calm = StaffingAdvice(waiting: 1, openCounters: 2, arrivalsPerHour: 6, handlingSeconds: 300, targetSeconds: 900)
        #expect(!calm.overTarget && !calm.recommendsMore)
    }

    @Test func middayWarningOnlyInTheBreakWithPeopleWaiting() {
        let hours = OfficeHours.saturdaySundayWeek
        let wednesday = LocalDate("2026-11-25")!.startInstant
        let inBreak = wednesday.addingTimeInterval(13 * 3600 + 15 * 60)
        #expect(MiddayCover.warning(at: inBreak, hours: hours, openCounters: 0, waiting: 3))
        #expect(!MiddayCover.warning(at: inBreak, hours: hours, openCounters: 1, waiting: 3))
        #expect(!MiddayCover.warning(at: inBreak, hours: hours, openCounters: 0, waiting: 0))
        #expect(!MiddayCover.warning(at: wednesday.addingTimeInterval(10 * 3600), hours: hours, openCounters: 0, waiting: 3))
    }
}
