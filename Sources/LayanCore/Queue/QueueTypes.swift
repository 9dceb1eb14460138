import Foundation

/// Who the customer is, for calling order. PKPA 1/2008 (counter rule 3): special or priority counters for
/// senior citizens, the disabled, pregnant mothers and the like. Which categories count as priority is
/// configurable per branch; these are the defaults.
public enum CustomerCategory: String, CaseIterable, Sendable, Codable {
    case regular
    /// Warga emas: 60 years and over.
    case seniorCitizen = "senior_citizen"
    /// Orang kurang upaya.
    case disabled
    /// Ibu mengandung.
    case pregnant

    public var isPriorityByDefault: Bool { self != .regular }

    public var catalogueKey: String { "queue.category.\(rawValue)" }
}

/// The kind of counter, for the calling policy.
public enum CounterType: String, CaseIterable, Sendable, Codable {
    /// Any customer; priority tickets are interleaved with regular ones by the configured ratio.
    case regular
    /// Priority customers first, others when no priority customer waits.
    case priority
    /// Short transactions; called like a regular counter, for the services it is given.
    case express

    public var catalogueKey: String { "queue.counterType.\(rawValue)" }
}

/// A ticket as the calling policy sees it.
public struct WaitingTicket: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let serviceID: UUID
    public let isPriority: Bool
    /// The customer's original arrival: kept across transfers, so a transferred customer does not start again.
    public let arrivedAt: Date

    public init(id: UUID, serviceID: UUID, isPriority: Bool, arrivedAt: Date) {
        self.id = id
        self.serviceID = serviceID
        self.isPriority = isPriority
        self.arrivedAt = arrivedAt
    }
}

/// How many priority and regular calls this counter has made in a row, for the interleaving ratio.
public struct CallStreak: Sendable, Equatable, Codable {
    public var priorityInARow: Int
    public var regularInARow: Int

    public init(priorityInARow: Int = 0, regularInARow: Int = 0) {
        self.priorityInARow = priorityInARow
        self.regularInARow = regularInARow
    }

    public func after(calling ticket: WaitingTicket) -> CallStreak {
        ticket.isPriority ? CallStreak(priorityInARow: priorityInARow + 1, regularInARow: 0)
                          : CallStreak(priorityInARow: 0, regularInARow: regularInARow + 1)
    }
}
