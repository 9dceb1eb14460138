import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Periodic surveys (issue #20): made from PKPA's template, changed without breaking past results (a change to a
/// survey already answered makes a new version; items retire, never vanish), answered on the web or typed in from
/// paper, and read as SERVQUAL gaps per quality item and group, an index of perceptions, NPS and the demographics.
struct PeriodicSurveys {
    let app: Application
    var db: any Database { app.db }

    struct Answer: Sendable, Equatable {
        var expectation: Int?
        var perception: Int?
        var value: Int?
        var text: String?
    }

    enum Failure: Error, Equatable {
        case closed
        case empty
        case invalid(item: UUID)
        case badCode
    }

    /// The PKPA survey, open, under `code`.
    func createFromTemplate(code: String, titleMS: String, titleEN: String) async throws -> PeriodicSurvey {
        let code = code.lowercased()
        guard (3...40).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { throw Failure.badCode }
        let survey = PeriodicSurvey()
        survey.code = code; survey.titleMS = titleMS; survey.titleEN = titleEN; survey.status = .open; survey.version = 1
        survey.createdAt = app.clock.now()
        try await db.writeTransaction { db in
            try await survey.create(on: db)
            for (i, draft) in PKPASurveyTemplate.items.enumerated() {
                try await Self.item(draft, survey: survey.id!, position: i, version: 1).create(on: db)
            }
        }
        return survey
    }

    static func item(_ draft: SurveyItemDraft, survey: UUID, position: Int, version: Int) -> PeriodicSurveyItem {
        let item = PeriodicSurveyItem()
        item.surveyID = survey; item.position = position; item.kind = draft.kind; item.quality = draft.quality
        item.textMS = draft.textMS; item.textEN = draft.textEN
        item.choicesMS = draft.choices.map(\.ms).joined(separator: "\n"); item.choicesEN = draft.choices.map(\.en).joined(separator: "\n")
        item.addedIn = version
        return item
    }

    /// The version a change makes: a survey already answered moves to a new one, so past answers keep their questions.
    private func versionForChange(_ survey: PeriodicSurvey, on db: any Database) async throws -> Int {
        let answered = try await PeriodicSurveyResponse.query(on: db).filter(\.$surveyID == survey.id!).filter(\.$version == survey.version).count() > 0
        if answered {
            survey.version += 1
            try await survey.save(on: db)
        }
        return survey.version
    }

    func add(_ draft: SurveyItemDraft, to survey: PeriodicSurvey) async throws {
        try await db.writeTransaction { db in
            let version = try await versionForChange(survey, on: db)
            let last = try await PeriodicSurveyItem.query(on: db).filter(\.$surveyID == survey.id!).sort(\.$position, .descending).first()?.position ?? -1
            try await Self.item(draft, survey: survey.id!, position: last + 1, version: version).create(on: db)
        }
    }

    func retire(_ item: PeriodicSurveyItem, of survey: PeriodicSurvey) async throws {
        try await db.writeTransaction { db in
            let version = try await versionForChange(survey, on: db)
            // Added in this very version and never answered: it simply was never asked.
            item.retiredIn = version
            try await item.save(on: db)
        }
    }

    /// Swaps an item with its neighbour among the items still asked.
    func move(_ item: PeriodicSurveyItem, of survey: PeriodicSurvey, up: Bool) async throws {
        let items = try await PeriodicSurveyItem.query(on: db).filter(\.$surveyID == survey.id!).sort(\.$position).all().filter { $0.asked(in: survey.version) }
        guard let i = items.firstIndex(where: { $0.id == item.id }) else { return }
        let j = up ? i - 1 : i + 1
        guard items.indices.contains(j) else { return }
        let (a, b) = (items[i], items[j])
        try await db.writeTransaction { db in
            (a.position, b.position) = (b.position, a.position)
            try await a.save(on: db)
            try await b.save(on: db)
        }
    }

    /// The items asked now, in order.
    func asked(_ survey: PeriodicSurvey) async throws -> [PeriodicSurveyItem] {
        try await PeriodicSurveyItem.query(on: db).filter(\.$surveyID == survey.id!).sort(\.$position).all().filter { $0.asked(in: survey.version) }
    }

    /// Stores one response: every answer within its item's scale (a quality item's two scores together or not at all).
    func submit(_ survey: PeriodicSurvey, answers: [UUID: Answer], channel: PeriodicSurveyResponse.Channel, branchID: UUID?,
                enteredBy: String?) async throws -> PeriodicSurveyResponse {
        guard survey.status == .open else { throw Failure.closed }
        let items = Dictionary(try await asked(survey).map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        var kept: [(PeriodicSurveyItem, Answer)] = []
        for (id, answer) in answers {
            guard let item = items[id] else { throw Failure.invalid(item: id) }
            var answer = answer
            answer.text = answer.text.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(2000)) }.flatMap { $0.isEmpty ? nil : $0 }
            switch item.kind {
            case .servqual:
                if answer.expectation == nil && answer.perception == nil { continue }
                guard let e = answer.expectation, let p = answer.perception, (1...5).contains(e), (1...5).contains(p) else { throw Failure.invalid(item: id) }
            case .rating, .recommend, .effort:
                guard let value = answer.value else { continue }
                guard item.kind.scale!.contains(value) else { throw Failure.invalid(item: id) }
            case .choice:
                guard let value = answer.value else { continue }
                guard item.choices(in: .ms).indices.contains(value) else { throw Failure.invalid(item: id) }
            case .comment:
                guard answer.text != nil else { continue }
            }
            kept.append((item, answer))
        }
        guard !kept.isEmpty else { throw Failure.empty }
        let branch = branchID ?? UUID(uuidString: CreateSatisfaction.none)!
        let now = app.clock.now()
        let response = PeriodicSurveyResponse()
        response.surveyID = survey.id!; response.version = survey.version; response.channel = channel; response.branchID = branch
        response.day = LocalDate(now).iso; response.submittedAt = now; response.enteredBy = enteredBy
        let answered = kept
        try await db.writeTransaction { db in
            try await response.create(on: db)
            // One row each: a response holds a score or two for a handful of items.
            for (item, answer) in answered {
                let row = PeriodicSurveyAnswer()
                row.responseID = response.id!; row.surveyID = survey.id!; row.itemID = item.id!; row.day = response.day; row.branchID = branch
                row.expectation = answer.expectation; row.perception = answer.perception; row.value = answer.value
                row.text = item.kind == .comment ? answer.text : nil
                try await row.create(on: db)
            }
        }
        return response
    }
}
