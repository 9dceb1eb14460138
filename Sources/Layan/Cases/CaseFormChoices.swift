import Fluent
import LayanCore
import Vapor

/// The choices the case form offers.
struct CaseFormChoices: Encodable, Sendable {
    let types: [Choice]
    let categories: [Choice]
    let branches: [Choice]
    let divisions: [Choice]
    let channels: [Choice]
    let contactBy: [Choice]
    let languages: [Choice]

    static func make(_ req: Request, values: [String: String], channels: [CaseChannel]) async throws -> CaseFormChoices {
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$type).sort(\.$nameMs).all()
        let branches = try await Branch.query(on: req.db).sort(\.$name).all()
        let divisions = try await Division.query(on: req.db).sort(\.$code).all()
        return CaseFormChoices(
            types: CaseType.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: values["type"] == $0.rawValue) },
            categories: categories.map { Choice(value: $0.id!.uuidString, label: "\(req.t($0.type.catalogueKey)): \($0.name(in: req.language))", selected: values["category"] == $0.id!.uuidString) },
            branches: branches.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: values["branch"] == $0.id!.uuidString || (values["branch"] == nil && $0.id == req.staff?.branchID)) },
            divisions: divisions.map { Choice(value: $0.id!.uuidString, label: req.language == .ms ? $0.nameMs : $0.nameEn, selected: values["division"] == $0.id!.uuidString) },
            channels: channels.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: values["channel"] == $0.rawValue) },
            contactBy: ContactChannel.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: (values["contactBy"] ?? "email") == $0.rawValue) },
            languages: Language.allCases.map { Choice(value: $0.rawValue, label: $0.endonym, selected: (values["language"] ?? req.language.rawValue) == $0.rawValue) })
    }
}
