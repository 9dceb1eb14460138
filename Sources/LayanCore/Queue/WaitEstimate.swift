import Foundation

/// Handling time learned per service: an exponential moving average, so the estimate follows the day
/// (a slow morning, a new system) without being thrown by one long transaction.
public struct HandlingTimeAverage: Sendable, Equatable, Codable {
    public private(set) var seconds: Double
    public private(set) var samples: Int
    public let weight: Double

    public init(initialSeconds: Double, weight: Double = 0.2) {
        self.seconds = initialSeconds
        self.samples = 0
        self.weight = weight
    }

    /// Carries on from a stored average.
    public init(seconds: Double, samples: Int, weight: Double = 0.2) {
        self.seconds = seconds
        self.samples = samples
        self.weight = weight
    }

    /// Takes in one served ticket's handling time. Samples beyond 4 hours are data errors (a ticket left open)
    /// and are ignored.
    public mutating func record(_ sample: Double) {
        guard sample > 0, sample < 4 * 3600 else { return }
        seconds = samples == 0 ? sample : weight * sample + (1 - weight) * seconds
        samples += 1
    }
}

/// PKPA 1/2008 (counter rule 9): a queue-number system with waiting-time information.
public enum WaitEstimate {
    /// Seconds until the ticket is called: the customers ahead of it, shared among the open counters that
    /// can serve it, each taking the service's average handling time; half a service when every counter is
    /// busy with someone else. No open counter: nil (the page says so instead of a number).
    public static func seconds(ahead: Int, openCounters: Int, averageHandling: Double, countersBusy: Bool = true) -> Double? {
        guard openCounters > 0 else { return nil }
        let rounds = Double(ahead) / Double(openCounters)
        let residual = countersBusy ? averageHandling / 2 : 0
        return rounds * averageHandling + (ahead > 0 || countersBusy ? residual : 0)
    }

    /// The one estimate every screen shows (ticket, kiosk, take-a-number page, display board, API). Before any
    /// counter opens in the morning, the counters set up for the service are taken to open, so a customer who
    /// comes early still hears a wait; a service no counter takes has none (nil).
    public static func seconds(ahead: Int, counters: ServingCounters, averageHandling: Double) -> Double? {
        seconds(ahead: ahead, openCounters: counters.open > 0 ? counters.open : counters.configured, averageHandling: averageHandling)
    }

    /// Whole minutes for display: at least 1 whenever there is any wait, so "1 waiting · 0 min" cannot appear.
    public static func minutes(_ seconds: Double) -> Int {
        seconds <= 0 ? 0 : max(1, Int((seconds / 60).rounded()))
    }
}

/// The counters that take a service: open now, and set up at all (open, paused or closed).
public struct ServingCounters: Sendable, Equatable {
    public let open: Int
    public let configured: Int

    public init(open: Int, configured: Int) {
        self.open = open
        self.configured = configured
    }

    /// Counts the counters that take `service` among a branch's counters (their services, and whether open).
    public init(for service: UUID, among counters: [(services: [UUID], open: Bool)]) {
        let serving = counters.filter { $0.services.contains(service) }
        self.init(open: serving.filter(\.open).count, configured: serving.count)
    }
}
