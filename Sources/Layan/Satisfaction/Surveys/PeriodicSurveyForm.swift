import Foundation
import LayanCore
import Vapor

/// A periodic survey as a form: the same questions on a phone, on paper and on the fast entry screen, and the
/// answers read back from the form's fields (`e-`, `p-`, `v-`, `t-` and the item's id).
struct PeriodicSurveyForm: Encodable, Sendable {
    struct Option: Encodable, Sendable { let value: Int; let label: String }
    struct Question: Encodable, Sendable {
        let id: String
        let number: Int
        let kind: String
        let text: String
        let group: String?
        let quality: String?
        let options: [Option]
    }
    struct Section: Encodable, Sendable { let heading: String; let questions: [Question] }

    let title: String
    let sections: [Section]
    let branches: [CharterDeskController.Choice]

    init(_ survey: PeriodicSurvey, items: [PeriodicSurveyItem], branches: [Branch], _ req: Request) {
        title = survey.title(in: req.language)
        var sections: [Section] = []
        var number = 0
        func question(_ item: PeriodicSurveyItem) -> Question {
            number += 1
            let options: [Option] = switch item.kind {
            case .servqual, .rating: (1...5).map { Option(value: $0, label: req.t("survey.scale.\($0)")) }
            case .recommend: (0...10).map { Option(value: $0, label: "\($0)") }
            case .effort: (1...7).map { Option(value: $0, label: "\($0)") }
            case .choice: item.choices(in: req.language).enumerated().map { Option(value: $0.offset, label: $0.element) }
            case .comment: []
            }
            return Question(id: item.id!.uuidString, number: number, kind: item.kind.rawValue, text: item.text(in: req.language),
                            group: item.quality.map { req.t($0.group.catalogueKey) }, quality: item.quality.map { req.t($0.catalogueKey) }, options: options)
        }
        // The quality items by PKPA's groups first, then the rest in their order.
        for group in QualityGroup.allCases {
            let asked = items.filter { $0.kind == .servqual && $0.quality?.group == group }
            if !asked.isEmpty { sections.append(Section(heading: req.t(group.catalogueKey), questions: asked.map(question))) }
        }
        let others = items.filter { !($0.kind == .servqual && $0.quality != nil) }
        if !others.isEmpty { sections.append(Section(heading: req.t("survey.periodic.aboutYou"), questions: others.map(question))) }
        self.sections = sections
        self.branches = [CharterDeskController.Choice(value: "", label: req.t("survey.periodic.anyBranch"), selected: true)]
            + branches.map { CharterDeskController.Choice(value: $0.code, label: $0.name, selected: false) }
    }

    /// The answers in a submitted form, by item.
    static func answers(_ fields: [String: String], items: [PeriodicSurveyItem]) -> [UUID: PeriodicSurveys.Answer] {
        var answers: [UUID: PeriodicSurveys.Answer] = [:]
        for item in items {
            let id = item.id!.uuidString
            func number(_ prefix: String) -> Int? { fields["\(prefix)-\(id)"].flatMap { $0.isEmpty ? nil : Int($0) ?? -99 } }
            let answer = PeriodicSurveys.Answer(expectation: number("e"), perception: number("p"), value: number("v"), text: fields["t-\(id)"])
            if answer != PeriodicSurveys.Answer() { answers[item.id!] = answer }
        }
        return answers
    }
}
