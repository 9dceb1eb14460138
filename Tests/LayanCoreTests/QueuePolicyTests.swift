import Foundation
import Testing
@testable import LayanCore

@Suite struct CallingPolicyTests {
    let policy = CallingPolicy()
    let serviceA = UUID(), serviceB = UUID()
    let start = Date(timeIntervalSince1970: 1_795_536_000 + 8 * 3600) // 8:00 in Kuala Lumpur

    func ticket(_ minutesAgo: Double, priority: Bool = false, service: UUID? = nil) -> WaitingTicket {
        WaitingTicket(id: UUID(), serviceID: service ?? serviceA, isPriority: priority, arrivedAt: start.addingTimeInterval(-minutesAgo * 60))
    }

    @Test func priorityCounterTakesPriorityFirstThenOthers() {
        let regular = ticket(20), priority = ticket(1, priority: true)
        #expect(policy.next(counterType: .priority, services: [serviceA], waiting: [regular, priority], streak: .init(priorityInARow: 5), now: start) == priority)
        #expect(policy.next(counterType: .priority, services: [serviceA], waiting: [regular], streak: .init(), now: start) == regular)
    }

    @Test func mixedCounterInterleavesOnePriorityToTwoRegular() {
        // given plenty of both kinds waiting
        var waiting = (0..<10).map { ticket(Double(30 - $0)) } + (0..<10).map { ticket(Double(29 - $0), priority: true) }
        var streak = CallStreak()
        var calls = ""
        // when the counter calls nine times
        for _ in 0..<9 {
            let next = policy.next(counterType: .regular, services: [serviceA], waiting: waiting, streak: streak, now: start)!
            calls += next.isPriority ? "P" : "R"
            streak = streak.after(calling: next)
            waiting.removeAll { $0.id == next.id }
        }
        // then P R R P R R …
        #expect(calls == "PRRPRRPRR")
    }

    @Test func ageingCapCallsALongWaitingRegularTicketFirst() {
        let old = ticket(31), priority = ticket(5, priority: true)
        #expect(policy.next(counterType: .regular, services: [serviceA], waiting: [old, priority], streak: .init(priorityInARow: 0, regularInARow: 2), now: start) == old)
    }

    @Test func multiServiceCounterTakesTheLongestWaitingAcrossServices() {
        let a = ticket(5, service: serviceA), b = ticket(9, service: serviceB), other = ticket(50, service: UUID())
        #expect(policy.next(counterType: .regular, services: [serviceA, serviceB], waiting: [a, b, other], streak: .init(), now: start) == b)
        #expect(policy.next(counterType: .regular, services: [serviceA], waiting: [b, other], streak: .init(), now: start) == nil)
    }

    @Test func configurableRatio() {
        let policy = CallingPolicy(priorityShare: 2, regularShare: 3)
        var waiting = (0..<20).map { ticket(Double(60 - $0)) } + (0..<20).map { ticket(Double(59 - $0), priority: true) }
        var streak = CallStreak(), calls = ""
        for _ in 0..<10 {
            let next = policy.next(counterType: .regular, services: [serviceA], waiting: waiting, streak: streak, now: start.addingTimeInterval(-3600))!
            calls += next.isPriority ? "P" : "R"
            streak = streak.after(calling: next)
            waiting.removeAll { $0.id == next.id }
        }
        #expect(calls == "PPRRRPPRRR")
    }
}

/// A whole busy day, simulated: arrivals at random, three counters (one priority), random handling times.
struct BusyDay {
    struct Outcome { var waits: [Double] = []; var priorityWaits: [Double] = []; var contested = 0; var contestedPriority = 0; var ratioViolations = 0; var served = 0; var issued = 0; var estimates: [(Double, Double)] = [] }

    static func simulate(seed: UInt64, policy: CallingPolicy = CallingPolicy(), arrivalsPerHour: Double = 70, priorityShare: Double = 0.3,
                         counters: [CounterType] = [.priority, .regular, .regular], meanHandling: Double = 150, hours: Double = 8) -> Outcome {
        var rng = SplitMix(seed: seed)
        let service = UUID()
        let start = Date(timeIntervalSince1970: 0)
        // arrivals
        var arrivals: [WaitingTicket] = []
        var t = 0.0
        while true {
            t += -log(1 - Double.random(in: 0..<1, using: &rng)) * 3600 / arrivalsPerHour
            if t > hours * 3600 { break }
            arrivals.append(WaitingTicket(id: UUID(), serviceID: service, isPriority: Double.random(in: 0..<1, using: &rng) < priorityShare,
                                          arrivedAt: start.addingTimeInterval(t)))
        }
        var outcome = Outcome()
        outcome.issued = arrivals.count
        var waiting: [WaitingTicket] = []
        var freeAt = Array(repeating: 0.0, count: counters.count)
        var streaks = Array(repeating: CallStreak(), count: counters.count)
        // Regular calls each counter made since its last priority call; nil for a counter that has called
        // nobody yet, which is due a priority ticket first.
        var regularSincePriority = [Int?](repeating: nil, count: counters.count)
        var nextArrival = 0
        var average = HandlingTimeAverage(initialSeconds: 120)
        var clock = 0.0
        while nextArrival < arrivals.count || !waiting.isEmpty {
            // next event: an arrival or a counter becoming free
            let counter = freeAt.indices.min { freeAt[$0] < freeAt[$1] }!
            let arrivalTime = nextArrival < arrivals.count ? arrivals[nextArrival].arrivedAt.timeIntervalSince(start) : .infinity
            if arrivalTime <= max(freeAt[counter], clock) || waiting.isEmpty {
                clock = arrivalTime
                let ticket = arrivals[nextArrival]
                // the estimate the customer would be shown
                let ahead = waiting.count
                let estimate = WaitEstimate.seconds(ahead: ahead, openCounters: counters.count, averageHandling: average.seconds,
                                                    countersBusy: freeAt.allSatisfy { $0 > clock })!
                outcome.estimates.append((estimate, -clock))
                waiting.append(ticket)
                nextArrival += 1
                continue
            }
            clock = max(clock, freeAt[counter])
            let now = start.addingTimeInterval(clock)
            let hasBoth = waiting.contains(where: \.isPriority) && waiting.contains(where: { !$0.isPriority })
            guard let next = policy.next(counterType: counters[counter], services: [service], waiting: waiting, streak: streaks[counter], now: now) else {
                freeAt[counter] = clock + 1
                continue
            }
            if hasBoth && counters[counter] != .priority && now.timeIntervalSince(waiting.filter { !$0.isPriority }.map(\.arrivedAt).min()!) <= policy.ageingCap {
                outcome.contested += 1
                if next.isPriority { outcome.contestedPriority += 1 }
                // The ratio: with both kinds waiting, a priority ticket is called exactly when the counter has
                // made `regularShare` regular calls since its last priority call.
                let due = regularSincePriority[counter].map { $0 >= policy.regularShare } ?? true
                if next.isPriority != due { outcome.ratioViolations += 1 }
            }
            regularSincePriority[counter] = next.isPriority ? 0 : (regularSincePriority[counter] ?? 0) + 1
            waiting.removeAll { $0.id == next.id }
            streaks[counter] = streaks[counter].after(calling: next)
            let wait = now.timeIntervalSince(next.arrivedAt)
            outcome.waits.append(wait)
            if next.isPriority { outcome.priorityWaits.append(wait) }
            if let index = outcome.estimates.indices.first(where: { outcome.estimates[$0].1 == -next.arrivedAt.timeIntervalSince(start) }) {
                outcome.estimates[index].1 = wait
            }
            let handling = -log(1 - Double.random(in: 0..<1, using: &rng)) * meanHandling
            average.record(handling)
            freeAt[counter] = clock + handling
            outcome.served += 1
        }
        return outcome
    }
}

typealias SplitMix = SeededGenerator

@Suite struct BusyDaySimulationTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func nobodyStarvesAndTheRatioHolds(seed: UInt64) {
        let day = BusyDay.simulate(seed: seed)
        // everyone issued a ticket is served
        #expect(day.served == day.issued)
        // nobody waits far beyond the ageing cap (the cap, plus one service round on every counter)
        #expect(day.waits.max()! < CallingPolicy().ageingCap + 3 * 600)
        // priority customers wait less than regular ones on average
        let regularWaits = day.waits.count - day.priorityWaits.count
        let meanPriority = day.priorityWaits.reduce(0, +) / Double(max(1, day.priorityWaits.count))
        let meanRegular = (day.waits.reduce(0, +) - day.priorityWaits.reduce(0, +)) / Double(max(1, regularWaits))
        #expect(meanPriority < meanRegular)
        // when both kinds wait at a mixed counter, every call follows the 1 : 2 ratio
        #expect(day.contested > 50)
        #expect(day.ratioViolations == 0)
    }
}

@Suite struct ErlangCTests {
    /// Published Erlang C values for 10 Erlangs of traffic (e.g. 100 calls in 30 minutes at 180 s each).
    @Test(arguments: [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)])
    func probabilityOfWaiting(servers: Int, expected: Double) {
        #expect(abs(ErlangC.probabilityOfWaiting(servers: servers, traffic: 10) - expected) < 0.0005)
    }

    @Test func classicExampleNeedsFourteen() {
        // 200 arrivals an hour, 180 s handling, 80 % within 20 s → 14 agents at 88.4 %
        #expect(ErlangC.countersNeeded(arrivalsPerHour: 200, handlingSeconds: 180, target: 20, share: 0.8) == 14)
        let level = ErlangC.serviceLevel(servers: 14, arrivalsPerHour: 200, handlingSeconds: 180, target: 20)
        #expect(abs(level - 0.8884) < 0.001)
        #expect(ErlangC.serviceLevel(servers: 13, arrivalsPerHour: 200, handlingSeconds: 180, target: 20) < 0.8)
    }

    @Test func overloadedCountersAlwaysWait() {
        #expect(ErlangC.probabilityOfWaiting(servers: 5, traffic: 6) == 1)
        #expect(ErlangC.averageWait(servers: 5, arrivalsPerHour: 120, handlingSeconds: 180) == nil)
        #expect(ErlangC.countersNeeded(arrivalsPerHour: 0, handlingSeconds: 180, target: 600, share: 0.9) == 0)
    }
}

@Suite struct WaitEstimateTests {
    @Test func movingAverageFollowsTheDay() {
        var average = HandlingTimeAverage(initialSeconds: 300)
        average.record(100)
        #expect(average.seconds == 100) // the first real sample replaces the guess
        average.record(200)
        #expect(abs(average.seconds - 120) < 0.001)
        average.record(5 * 3600) // a ticket left open all afternoon
        #expect(abs(average.seconds - 120) < 0.001)
    }

    @Test func estimateSharesTheQueueAmongOpenCounters() {
        #expect(WaitEstimate.seconds(ahead: 6, openCounters: 3, averageHandling: 120) == 300)
        #expect(WaitEstimate.seconds(ahead: 0, openCounters: 2, averageHandling: 120, countersBusy: false) == 0)
        #expect(WaitEstimate.seconds(ahead: 4, openCounters: 0, averageHandling: 120) == nil)
    }

    /// Replays generated days and reports the mean absolute error of the estimate shown at issue time
    /// (docs/queue.md publishes the figure).
    @Test func estimateErrorOverReplayedDays() {
        var errors: [Double] = [], waits: [Double] = []
        for seed in UInt64(10)..<UInt64(30) {
            let day = BusyDay.simulate(seed: seed)
            for (estimate, actual) in day.estimates where actual >= 0 {
                errors.append(abs(estimate - actual))
                waits.append(actual)
            }
        }
        let mae = errors.reduce(0, +) / Double(errors.count)
        let meanWait = waits.reduce(0, +) / Double(waits.count)
        print("wait-estimate replay: \(errors.count) tickets over 20 days, mean wait \(Int(meanWait)) s, mean absolute error \(Int(mae)) s")
        #expect(errors.count > 1000)
        #expect(mae < meanWait)
    }
}

/// Ids and labels written with every ticket and case (hand-formatted, not `String(format:)`).
@Suite struct HotPathFormattingTests {
    @Test func timeOrderedIDsAreVersion7WithTheirMillisecondFirstAndSortByTime() {
        let at = Date(timeIntervalSince1970: 1_795_000_000.123)
        let id = UUID.timeOrdered(at: at)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)  // version
        #expect(bytes[8] >> 6 == 0b10)  // RFC 9562 variant
        let milliseconds = bytes[0 ..< 6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_795_000_000_123)
        // Later ids sort after earlier ones, as bytes and as the text SQLite stores.
        var previous = UUID.timeOrdered(at: at)
        for step in 1 ... 200 {
            let next = UUID.timeOrdered(at: at.addingTimeInterval(Double(step) * 0.002))
            #expect(previous.uuidString < next.uuidString)
            previous = next
        }
        // The 74 random bits differ between ids made in the same millisecond.
        #expect(Set((0 ..< 10_000).map { _ in UUID.timeOrdered(at: at) }).count == 10_000)
    }

    @Test func isoDatesAndTicketLabelsArePaddedWithZeros() {
        #expect(LocalDate(year: 2026, month: 1, day: 5)?.iso == "2026-01-05")
        #expect(LocalDate(year: 2026, month: 12, day: 31)?.iso == "2026-12-31")
        #expect(LocalDate(year: 999, month: 10, day: 10)?.iso == "0999-10-10")
        #expect(TicketLabel.make(letter: "A", number: 7) == "A007")
        #expect(TicketLabel.make(letter: "B", number: 42) == "B042")
        #expect(TicketLabel.make(letter: "C", number: 999) == "C999")
        #expect(TicketLabel.make(letter: "D", number: 1000) == "D1000")
    }

    @Test func trimmingMatchesFoundationForWhiteSpaceAndLineBreaks() {
        for text in ["  Siti Aminah \n", "", "   ", "\t\r\nLampu\u{00A0}jalan\u{3000}", "\u{00A0}x\u{2029}", "e\u{301} ", "tiada"] {
            #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(text[...].trimmed == text.trimmed)
        }
    }

    @Test func malaysianDatesOfInstantsUseTheZoneBefore1982AndUTCPlus8After() {
        // Peninsular Malaysia moved from UTC+7:30 to UTC+8 at the start of 1982: the fixed offset starts exactly there.
        let switchover = Date(timeIntervalSince1970: 378_662_400)
        #expect(MalaysianTime.secondsFromGMT(for: switchover) == 8 * 3600)
        #expect(MalaysianTime.secondsFromGMT(for: switchover.addingTimeInterval(-1)) == MalaysianTime.zone.secondsFromGMT(for: switchover.addingTimeInterval(-1)))
        for instant in stride(from: 378_662_400.0, to: 1_900_000_000, by: 7_777_777) {
            let date = Date(timeIntervalSince1970: instant)
            #expect(MalaysianTime.secondsFromGMT(for: date) == MalaysianTime.zone.secondsFromGMT(for: date))
        }
        // 16:00 UTC on the 25th is midnight starting the 26th in Malaysia; a second earlier is still the 25th.
        #expect(LocalDate(Date(timeIntervalSince1970: 1_795_622_400)).iso == "2026-11-26")
        #expect(LocalDate(Date(timeIntervalSince1970: 1_795_622_399)).iso == "2026-11-25")
    }
}
