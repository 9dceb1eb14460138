import LayanCore
import Vapor

/// Why a case action was refused: a clear 4xx with a bilingual reason, and the case unchanged.
enum CaseError: CatalogueError, Equatable {
    case unknownCase
    case notAllowed(from: CaseStatus, action: CaseAction)
    case noteRequired
    case duplicateTargetUnknown
    case reopenPeriodOver
    case unknownStaff
    case notFoundForContact

    var status: HTTPResponseStatus {
        switch self {
        case .unknownCase, .notFoundForContact, .duplicateTargetUnknown, .unknownStaff: .notFound
        case .notAllowed, .reopenPeriodOver: .conflict
        case .noteRequired: .unprocessableEntity
        }
    }

    var catalogueKey: String {
        switch self {
        case .unknownCase: "case.error.unknownCase"
        case .notAllowed: "case.error.notAllowed"
        case .noteRequired: "case.error.noteRequired"
        case .duplicateTargetUnknown: "case.error.duplicateTargetUnknown"
        case .reopenPeriodOver: "case.error.reopenPeriodOver"
        case .unknownStaff: "case.error.unknownStaff"
        case .notFoundForContact: "case.error.notFoundForContact"
        }
    }

    var catalogueValues: [String: String] {
        if case let .notAllowed(from, action) = self { return ["status": from.rawValue, "action": action.rawValue] }
        return [:]
    }
}

/// A new case or message that failed its checks: one catalogue key per field.
struct CaseInvalid: Error, Sendable {
    let problems: [String: String]

    /// The same problems under the names a client uses for the fields (the API says `description` for `details`).
    func renamed(_ names: [String: String]) -> CaseInvalid {
        CaseInvalid(problems: Dictionary(problems.map { (names[$0.key] ?? $0.key, $0.value) }, uniquingKeysWith: { first, _ in first }))
    }
}
