import Foundation

extension SiteURL {
    /// The Client Charter behind the counter (docs/charter.md): achievement and its misses, the draft, publishing.
    public enum CharterDesk: Sendable {
        case achievement
        case misses
        case explain
        case explainAll
        case manual
        case evidence(String)
        case publishMonth(String)
        case edit
        case publish
        case versions

        var path: String {
            switch self {
            case .achievement: "/charter"
            case .misses: "/charter/misses"
            case .explain: "/charter/misses/reason"
            case .explainAll: "/charter/misses/reason-all"
            case .manual: "/charter/manual"
            case let .evidence(id): "/charter/manual/\(id)/evidence"
            case let .publishMonth(month): "/charter/months/\(month)/publish"
            case .edit: "/charter/edit"
            case .publish: "/charter/publish"
            case .versions: "/charter/versions"
            }
        }
    }
}
