import Foundation

/// Which ticket a counter calls next. Pure, so it is unit-tested and simulated over whole busy days.
///
/// - Priority counters call the longest-waiting priority ticket first, and others when none waits.
/// - Regular and express counters interleave priority and regular tickets by `ratio` (default 1 priority
///   to 2 regular), so priority customers are served sooner without regular customers being passed over
///   indefinitely.
/// - Ageing cap: on regular and express counters a regular ticket that has waited longer than `ageingCap`
///   is called before anything else, so nobody starves behind a stream of priority customers.
/// - A multi-service counter takes the longest-waiting eligible ticket across all its services.
public struct CallingPolicy: Sendable, Equatable {
    public var priorityShare: Int
    public var regularShare: Int
    public var ageingCap: TimeInterval

    public init(priorityShare: Int = 1, regularShare: Int = 2, ageingCap: TimeInterval = 30 * 60) {
        self.priorityShare = max(1, priorityShare)
        self.regularShare = max(1, regularShare)
        self.ageingCap = ageingCap
    }

    public func next(counterType: CounterType, services: Set<UUID>, waiting: [WaitingTicket], streak: CallStreak, now: Date) -> WaitingTicket? {
        var oldestPriority: WaitingTicket?, oldestRegular: WaitingTicket?
        for ticket in waiting where services.contains(ticket.serviceID) {
            if ticket.isPriority {
                if oldestPriority == nil || ticket.arrivedAt < oldestPriority!.arrivedAt { oldestPriority = ticket }
            } else if oldestRegular == nil || ticket.arrivedAt < oldestRegular!.arrivedAt {
                oldestRegular = ticket
            }
        }
        guard let priority = oldestPriority else { return oldestRegular }
        guard let regular = oldestRegular else { return priority }

        switch counterType {
        case .priority:
            return priority
        case .regular, .express:
            if now.timeIntervalSince(regular.arrivedAt) > ageingCap { return regular }
            // Both kinds wait: follow the ratio. Priority is due after `regularShare` regular calls in a row,
            // and keeps its turn until `priorityShare` priority calls in a row.
            if streak.regularInARow >= regularShare { return priority }
            if streak.priorityInARow > 0 && streak.priorityInARow < priorityShare { return priority }
            if streak.priorityInARow == 0 && streak.regularInARow == 0 { return priority }
            return regular
        }
    }
}
