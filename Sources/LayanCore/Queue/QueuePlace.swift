import Foundation

/// PKPA 1/2008 (counter rule 9): where a customer really stands. Priority tickets are called ahead of
/// regular ones by the calling policy, so counting earlier arrivals would tell a priority customer they are
/// fourth when they are called next. The place is found by playing the policy forward over the waiting list.
public enum QueuePlace {
    /// How many of `waiting` are called before the ticket `id`, by `policy` on a counter of the ticket's
    /// service starting a fresh streak; nil when the ticket is not waiting.
    public static func ahead(of id: UUID, in waiting: [WaitingTicket], policy: CallingPolicy = CallingPolicy(), now: Date) -> Int? {
        guard let ticket = waiting.first(where: { $0.id == id }) else { return nil }
        // The policy only ever looks at the oldest of each kind, so each step needs just those two: linear, not
        // quadratic, in a queue of thousands.
        let inLine = waiting.filter { $0.serviceID == ticket.serviceID }
            .sorted { ($0.arrivedAt, $0.id.uuidString) < ($1.arrivedAt, $1.id.uuidString) }
        let priority = inLine.filter(\.isPriority), regular = inLine.filter { !$0.isPriority }
        var nextPriority = 0, nextRegular = 0, streak = CallStreak()
        while true {
            let oldest = [priority.indices.contains(nextPriority) ? priority[nextPriority] : nil,
                          regular.indices.contains(nextRegular) ? regular[nextRegular] : nil].compactMap { $0 }
            guard let next = policy.next(counterType: .regular, services: [ticket.serviceID], waiting: oldest, streak: streak, now: now) else { return nil }
            if next.id == id { return nextPriority + nextRegular }
            if next.isPriority { nextPriority += 1 } else { nextRegular += 1 }
            streak = streak.after(calling: next)
        }
    }
}
