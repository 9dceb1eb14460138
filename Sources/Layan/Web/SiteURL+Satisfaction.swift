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
        case proposals
        case newProposal
        case proposal(String)
        case reviewProposal(String)
        case publishProposal(String)
        case youSaidWeDid
        case engagement
        case engagementSession(String)
        case engagementItems(String)
        case engagementItem(String)
        case surveys
        case surveyDesk(String)
        case surveyItems(String)
        case surveyItem(String, String)
        case surveyEntry(String)
        case surveyStatus(String)
        case periodic(String)
        case periodicQR(String)
        case periodicPrint(String)

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
            case .proposals: "/satisfaction/proposals"
            case .newProposal: "/satisfaction/proposals/new"
            case let .proposal(id): "/satisfaction/proposals/\(id)"
            case let .reviewProposal(id): "/satisfaction/proposals/\(id)/review"
            case let .publishProposal(id): "/satisfaction/proposals/\(id)/publish"
            case .youSaidWeDid: "/kami-dengar"
            case .engagement: "/satisfaction/engagement"
            case let .engagementSession(id): "/satisfaction/engagement/\(id)"
            case let .engagementItems(id): "/satisfaction/engagement/\(id)/items"
            case let .engagementItem(id): "/satisfaction/engagement/items/\(id)"
            case .surveys: "/satisfaction/surveys"
            case let .surveyDesk(id): "/satisfaction/surveys/\(id)"
            case let .surveyItems(id): "/satisfaction/surveys/\(id)/items"
            case let .surveyItem(id, action): "/satisfaction/surveys/items/\(id)/\(action)"
            case let .surveyEntry(id): "/satisfaction/surveys/\(id)/entry"
            case let .surveyStatus(id): "/satisfaction/surveys/\(id)/status"
            case let .periodic(code): "/tinjauan-berkala/\(code)"
            case let .periodicQR(code): "/tinjauan-berkala/\(code)/qr.svg"
            case let .periodicPrint(code): "/tinjauan-berkala/\(code)/cetak"
            }
        }
    }
}
