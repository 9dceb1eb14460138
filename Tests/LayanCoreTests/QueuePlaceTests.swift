import Foundation
import LayanCore
import Testing

/// PKPA 1/2008 counter rule 9: the place and wait a customer is told are the ones the calling policy gives.
@Suite struct QueuePlaceTests {
    let service = UUID()
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func line(_ kinds: String) -> [WaitingTicket] {
        kinds.enumerated().map { i, kind in
            WaitingTicket(id: UUID(), serviceID: service, isPriority: kind == "P", arrivedAt: start.addingTimeInterval(Double(i) * 60))
        }
    }

    @Test func aPriorityCustomerBehindRegularOnesIsCalledNext() {
        // given three regular customers, then a priority one
        let waiting = line("RRRP")
        // when its place is asked
        let ahead = QueuePlace.ahead(of: waiting[3].id, in: waiting, now: start.addingTimeInterval(300))
        // then nobody is ahead of it (a fresh counter calls priority first), not three
        #expect(ahead == 0)
    }

    @Test func aRegularCustomerCountsThePriorityCustomersInterleavedAheadOfThem() {
        // given regular, regular, regular, then two priority arrivals
        let waiting = line("RRRPP")
        // when the third regular customer's place is asked (policy 1 priority to 2 regular)
        let ahead = QueuePlace.ahead(of: waiting[2].id, in: waiting, now: start.addingTimeInterval(300))
        // then P, R, R, P are called first
        #expect(ahead == 4)
    }

    @Test func theOrderFollowsThePolicyCallForCall() {
        // given a mixed line
        let waiting = line("RPRRPRPRR")
        let policy = CallingPolicy()
        let now = start.addingTimeInterval(600)
        // when the policy calls everyone in turn
        var left = waiting, streak = CallStreak(), order: [UUID] = []
        while let next = policy.next(counterType: .regular, services: [service], waiting: left, streak: streak, now: now) {
            order.append(next.id); left.removeAll { $0.id == next.id }; streak = streak.after(calling: next)
        }
        // then each ticket's place is its index in that order
        for ticket in waiting { #expect(QueuePlace.ahead(of: ticket.id, in: waiting, policy: policy, now: now) == order.firstIndex(of: ticket.id)) }
    }

    @Test func aTicketNotWaitingHasNoPlace() {
        #expect(QueuePlace.ahead(of: UUID(), in: line("RR"), now: start) == nil)
    }

    @Test func beforeAnyCounterOpensTheSetUpCountersGiveTheEstimate() {
        // given no counter open yet and two set up for the service
        let counters = ServingCounters(open: 0, configured: 2)
        // when a customer with four ahead asks
        let seconds = WaitEstimate.seconds(ahead: 4, counters: counters, averageHandling: 300)
        // then the wait is as if both open: two rounds and half a service
        #expect(seconds == Double(2 * 300 + 150))
    }

    @Test func aServiceNoCounterTakesHasNoEstimate() {
        #expect(WaitEstimate.seconds(ahead: 1, counters: ServingCounters(open: 0, configured: 0), averageHandling: 300) == nil)
    }

    @Test func anyWaitShowsAsAtLeastOneMinute() {
        #expect(WaitEstimate.minutes(20) == 1)
        #expect(WaitEstimate.minutes(0) == 0)
        #expect(WaitEstimate.minutes(150) == 3)
    }
}
