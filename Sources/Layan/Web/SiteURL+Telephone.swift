import Foundation

extension SiteURL {
    /// The telephone desk (docs/telephone.md): the operator console, messages, figures, wallboard, imports, the PBX.
    public enum Telephone: Sendable {
        case console
        case logCall
        case messages
        case newMessage
        case calledBack(String)
        case presence(String)
        case figures
        case figuresCSV
        case wallboard
        case wallboardJSON
        case importLog
        case pbx
        case settings

        var path: String {
            switch self {
            case .console: "/telephone"
            case .logCall: "/telephone/calls"
            case .messages: "/telephone/messages"
            case .newMessage: "/telephone/messages/new"
            case let .calledBack(id): "/telephone/messages/\(id)/called-back"
            case let .presence(id): "/telephone/presence/\(id)"
            case .figures: "/telephone/figures"
            case .figuresCSV: "/telephone/figures.csv"
            case .wallboard: "/telephone/wallboard"
            case .wallboardJSON: "/telephone/wallboard.json"
            case .importLog: "/telephone/import"
            case .pbx: "/telephone/pbx"
            case .settings: "/telephone/settings"
            }
        }
    }
}
