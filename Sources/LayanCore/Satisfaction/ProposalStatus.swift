import Foundation

/// An improvement proposal's life (PKPA 1/2008 §3 functions 5–6: propose improvements and publicise them): proposed,
/// approved, under way, done — or dropped, with why.
public enum ProposalStatus: String, CaseIterable, Codable, Sendable {
    case proposed, approved, inProgress = "in_progress", done, dropped

    public var isOpen: Bool { self != .done && self != .dropped }

    /// Where a proposal may go next; a finished one stays finished.
    public var next: [ProposalStatus] {
        switch self {
        case .proposed: [.approved, .dropped]
        case .approved: [.inProgress, .done, .dropped]
        case .inProgress: [.done, .dropped]
        case .done, .dropped: []
        }
    }

    public var catalogueKey: String { "proposal.status.\(rawValue)" }
}

/// What a proposal came from (issue #20): a low-scoring item, a cluster of complaints, a suggestion, an engagement
/// session, or something else the unit head saw.
public enum ProposalSource: String, CaseIterable, Codable, Sendable {
    case lowScore = "low_score", complaints, suggestion, engagement, other
    public var catalogueKey: String { "proposal.source.\(rawValue)" }
}
