import Foundation

/// One visit as the figures count it.
public struct VisitRecord: Sendable, Equatable {
    public let serviceID: UUID
    public let counterID: UUID?
    public let officerID: UUID?
    public let status: TicketStatus
    public let arrivedAt: Date
    public let calledAt: Date?
    public let servingStartedAt: Date?
    public let completedAt: Date?
    public let transfers: Int
    public let targetSeconds: Double

    public init(serviceID: UUID, counterID: UUID?, officerID: UUID?, status: TicketStatus, arrivedAt: Date, calledAt: Date?,
                servingStartedAt: Date?, completedAt: Date?, transfers: Int, targetSeconds: Double) {
        self.serviceID = serviceID; self.counterID = counterID; self.officerID = officerID; self.status = status
        self.arrivedAt = arrivedAt; self.calledAt = calledAt; self.servingStartedAt = servingStartedAt; self.completedAt = completedAt
        self.transfers = transfers; self.targetSeconds = targetSeconds
    }

    /// Arrival to first call: what the customer experienced as waiting.
    public var waitSeconds: Double? { calledAt.map { $0.timeIntervalSince(arrivedAt) } }
    public var serviceSeconds: Double? {
        guard status == .done, let start = servingStartedAt ?? calledAt, let end = completedAt else { return nil }
        return end.timeIntervalSince(start)
    }
}

/// Counter figures for a group of visits (a branch's day, a service, a counter, an officer).
public struct QueueFigures: Sendable, Equatable, Codable {
    public let issued: Int
    public let served: Int
    public let noShows: Int
    public let transfers: Int
    public let waiting: Int
    public let meanWaitSeconds: Double?
    public let p90WaitSeconds: Double?
    /// Share of called customers called within their service's charter target (0…1).
    public let withinTarget: Double?
    public let meanServiceSeconds: Double?

    public init(_ visits: [VisitRecord]) {
        issued = visits.count
        served = visits.filter { $0.status == .done }.count
        noShows = visits.filter { $0.status == .noShow }.count
        transfers = visits.reduce(0) { $0 + $1.transfers }
        waiting = visits.filter { $0.status == .waiting }.count
        let waits = visits.compactMap(\.waitSeconds).sorted()
        meanWaitSeconds = waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
        p90WaitSeconds = QueueFigures.percentile(waits, 0.9)
        let called = visits.filter { $0.calledAt != nil }
        withinTarget = called.isEmpty ? nil : Double(called.filter { $0.waitSeconds! <= $0.targetSeconds }.count) / Double(called.count)
        let services = visits.compactMap(\.serviceSeconds)
        meanServiceSeconds = services.isEmpty ? nil : services.reduce(0, +) / Double(services.count)
    }

    /// Nearest-rank percentile of sorted values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// Staffing advice for one service (PKPA 1/2008 counter rule 5: all counters open at peak time).
public struct StaffingAdvice: Sendable, Equatable {
    public let projectedWaitSeconds: Double?
    public let targetSeconds: Double
    public let overTarget: Bool
    /// Erlang C: counters needed so that `share` of customers are called within the target, at the
    /// arrival rate of the last hour.
    public let countersNeeded: Int?
    public let openCounters: Int

    public init(waiting: Int, openCounters: Int, arrivalsPerHour: Double, handlingSeconds: Double, targetSeconds: Double, share: Double = 0.8) {
        self.openCounters = openCounters
        self.targetSeconds = targetSeconds
        projectedWaitSeconds = WaitEstimate.seconds(ahead: waiting, openCounters: openCounters, averageHandling: handlingSeconds)
        overTarget = waiting > 0 && (projectedWaitSeconds.map { $0 > targetSeconds } ?? true)
        countersNeeded = ErlangC.countersNeeded(arrivalsPerHour: arrivalsPerHour, handlingSeconds: handlingSeconds, target: targetSeconds, share: share)
    }

    /// More counters are needed now: the queue is over target and Erlang C asks for more than are open.
    public var recommendsMore: Bool { overTarget && (countersNeeded ?? Int.max) > openCounters || (overTarget && openCounters == 0) }
}

/// PKPA 1/2008 (counter rule 5): counters stay open through the midday break.
public enum MiddayCover {
    public static func warning(at now: Date, hours: OfficeHours, openCounters: Int, waiting: Int) -> Bool {
        guard waiting > 0, openCounters == 0, let day = hours.days[LocalDate(now).weekday],
              let start = day.breakStarts, let end = day.breakEnds else { return false }
        let minute = MalaysianTime.calendar.component(.hour, from: now) * 60 + MalaysianTime.calendar.component(.minute, from: now)
        return (start.minutes..<end.minutes).contains(minute)
    }
}
