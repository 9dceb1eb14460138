import Foundation

extension SiteURL {
    /// Customer satisfaction (docs/satisfaction.md): the counter's rating tablet, the case survey, the reports.
    public enum Satisfaction: Sendable {
        case tablet
        case tabletScore
        case tabletReason
        case ticketRating(String)
        case ticketReason(String)
        case survey(String)
        case report
        case reportCSV
        case devices
        case pair(String)
        case revoke(String)
        case followUps
        case closeFollowUp(String)
        case settings

        var path: String {
            switch self {
            case .tablet: "/nilai"
            case .tabletScore: "/nilai/skor"
            case .tabletReason: "/nilai/sebab"
            case let .ticketRating(id): "/q/t/\(id)/rating"
            case let .ticketReason(id): "/q/t/\(id)/rating/reason"
            case let .survey(token): "/tinjauan/\(token)"
            case .report: "/satisfaction"
            case .reportCSV: "/satisfaction.csv"
            case .devices: "/satisfaction/tablets"
            case let .pair(counter): "/satisfaction/tablets/\(counter)/pair"
            case let .revoke(id): "/satisfaction/tablets/\(id)/revoke"
            case .followUps: "/satisfaction/follow-ups"
            case let .closeFollowUp(id): "/satisfaction/follow-ups/\(id)/close"
            case .settings: "/satisfaction/settings"
            }
        }
    }
}
