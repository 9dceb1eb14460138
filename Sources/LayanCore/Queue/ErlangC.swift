import Foundation

/// Erlang C staffing: how many counters keep a given share of customers within the target waiting time.
/// PKPA 1/2008 (counter rule 5): all counters open at peak time — this says how many "all" has to be.
public enum ErlangC {
    /// Probability that an arriving customer waits, for `servers` counters and `traffic` Erlangs
    /// (arrival rate × handling time). 1 when the counters cannot keep up.
    public static func probabilityOfWaiting(servers: Int, traffic: Double) -> Double {
        guard servers > 0, traffic > 0 else { return traffic > 0 ? 1 : 0 }
        guard Double(servers) > traffic else { return 1 }
        // Erlang B by its stable recursion, then C from B.
        var b = 1.0
        for k in 1...servers { b = traffic * b / (Double(k) + traffic * b) }
        let n = Double(servers)
        return n * b / (n - traffic * (1 - b))
    }

    /// Share of customers called within `target` seconds.
    public static func serviceLevel(servers: Int, arrivalsPerHour: Double, handlingSeconds: Double, target: Double) -> Double {
        let traffic = arrivalsPerHour * handlingSeconds / 3600
        guard traffic > 0 else { return 1 }
        let pw = probabilityOfWaiting(servers: servers, traffic: traffic)
        guard pw < 1 else { return 0 }
        return max(0, 1 - pw * exp(-(Double(servers) - traffic) * target / handlingSeconds))
    }

    /// Mean wait in seconds over all customers.
    public static func averageWait(servers: Int, arrivalsPerHour: Double, handlingSeconds: Double) -> Double? {
        let traffic = arrivalsPerHour * handlingSeconds / 3600
        guard Double(servers) > traffic else { return nil }
        return probabilityOfWaiting(servers: servers, traffic: traffic) * handlingSeconds / (Double(servers) - traffic)
    }

    /// The fewest counters that reach `share` (e.g. 0.8) within `target` seconds; nil beyond `limit`.
    public static func countersNeeded(arrivalsPerHour: Double, handlingSeconds: Double, target: Double, share: Double, limit: Int = 200) -> Int? {
        guard arrivalsPerHour > 0 else { return 0 }
        let traffic = arrivalsPerHour * handlingSeconds / 3600
        var servers = max(1, Int(traffic.rounded(.down)) + 1)
        while servers <= limit {
            if serviceLevel(servers: servers, arrivalsPerHour: arrivalsPerHour, handlingSeconds: handlingSeconds, target: target) >= share {
                return servers
            }
            servers += 1
        }
        return nil
    }
}
