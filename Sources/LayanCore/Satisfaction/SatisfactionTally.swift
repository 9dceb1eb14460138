import Foundation

/// Answers on a 1–5 scale (five faces, or a survey's agreement scale) and what reports make of them (issue #20):
/// the satisfaction index, the share satisfied, a confidence interval, and MAMPU's star band.
public struct SatisfactionTally: Sendable, Equatable, Codable {
    /// `counts[0]` is how many answered 1, … `counts[4]` how many answered 5.
    public private(set) var counts: [Int]

    public init(counts: [Int] = [0, 0, 0, 0, 0]) {
        precondition(counts.count == 5)
        self.counts = counts
    }

    public mutating func add(score: Int, count: Int = 1) {
        guard (1...5).contains(score) else { return }
        counts[score - 1] += count
    }

    public static func + (a: SatisfactionTally, b: SatisfactionTally) -> SatisfactionTally {
        SatisfactionTally(counts: zip(a.counts, b.counts).map(+))
    }

    public var responses: Int { counts.reduce(0, +) }

    public var mean: Double? {
        responses == 0 ? nil : Double(counts.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }) / Double(responses)
    }

    /// The satisfaction index: the score obtained over the highest score possible, × 100 (as Malaysian agencies
    /// compute their customer satisfaction index), one decimal.
    public var index: Double? { mean.map { ($0 / 5 * 1000).rounded() / 10 } }

    /// CSAT as Zendesk counts it: the good (4–5) over all who rated, percent, one decimal.
    public var shareSatisfied: Double? {
        responses == 0 ? nil : (Double(counts[3] + counts[4]) / Double(responses) * 1000).rounded() / 10
    }

    /// Half the width of the 95 % confidence interval of the index (normal approximation), one decimal; nil below
    /// two responses.
    public var indexMargin: Double? {
        guard responses >= 2, let mean else { return nil }
        let n = Double(responses)
        let squares = counts.enumerated().reduce(0.0) { $0 + Double($1.element) * pow(Double($1.offset + 1) - mean, 2) }
        let sd = (squares / (n - 1)).squareRoot()
        return (1.96 * sd / n.squareRoot() / 5 * 100 * 10).rounded() / 10
    }

    public var stars: StarBand? { index.map(StarBand.init(index:)) }
}

/// MAMPU's star rating bands for an index: 90–100 five stars (cemerlang), 80–89.9 four, 70–79.9 three, 60–69.9 two,
/// 50–59.9 one, below 50 none (shared/references.md).
public struct StarBand: Sendable, Equatable, Codable {
    public let stars: Int

    public init(index: Double) {
        switch index {
        case 90...: stars = 5
        case 80..<90: stars = 4
        case 70..<80: stars = 3
        case 60..<70: stars = 2
        case 50..<60: stars = 1
        default: stars = 0
        }
    }

    /// "★★★★☆" for four stars; empty stars make the band readable at a glance.
    public var symbols: String { String(repeating: "★", count: stars) + String(repeating: "☆", count: 5 - stars) }
}

/// Answers on 0–10 ("would you recommend"): NPS = % promoters (9–10) − % detractors (0–6).
public struct RecommendTally: Sendable, Equatable {
    public private(set) var counts = [Int](repeating: 0, count: 11)
    public init() {}
    public mutating func add(_ score: Int, count: Int = 1) { if (0...10).contains(score) { counts[score] += count } }
    public var responses: Int { counts.reduce(0, +) }
    public var nps: Int? {
        guard responses > 0 else { return nil }
        let promoters = counts[9] + counts[10], detractors = counts[0...6].reduce(0, +)
        return Int((Double(promoters - detractors) / Double(responses) * 100).rounded())
    }
}

/// SERVQUAL's gap for one item: perception minus expectation, averaged over those who answered both (issue #20).
public struct ServqualGap: Sendable, Equatable {
    public private(set) var pairs = 0
    public private(set) var expectationSum = 0
    public private(set) var perceptionSum = 0

    public init() {}

    public mutating func add(expectation: Int, perception: Int, count: Int = 1) {
        pairs += count
        expectationSum += expectation * count
        perceptionSum += perception * count
    }

    public static func + (a: ServqualGap, b: ServqualGap) -> ServqualGap {
        var sum = a
        sum.pairs += b.pairs; sum.expectationSum += b.expectationSum; sum.perceptionSum += b.perceptionSum
        return sum
    }

    public var expectation: Double? { pairs == 0 ? nil : Double(expectationSum) / Double(pairs) }
    public var perception: Double? { pairs == 0 ? nil : Double(perceptionSum) / Double(pairs) }
    /// Negative: the service fell short of what customers expected. Two decimals.
    public var gap: Double? { pairs == 0 ? nil : (Double(perceptionSum - expectationSum) / Double(pairs) * 100).rounded() / 100 }
}
