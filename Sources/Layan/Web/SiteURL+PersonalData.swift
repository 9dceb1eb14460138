import Foundation

extension SiteURL {
    /// Personal data (docs/operations.md): retention periods, one person's records, their copy and their erasure.
    public enum PersonalData: Sendable {
        case overview
        case retention
        case subject
        case export
        case erase

        var path: String {
            switch self {
            case .overview: "/admin/personal-data"
            case .retention: "/admin/personal-data/retention"
            case .subject: "/admin/personal-data/subject"
            case .export: "/admin/personal-data/subject.json"
            case .erase: "/admin/personal-data/erase"
            }
        }
    }
}
