import Fluent
import Foundation
import LayanCore
import Vapor

/// Periodic surveys behind the counter: made from PKPA's template, their items added, reordered and retired
/// (versioned), opened and closed, paper forms typed in on a fast entry screen, and the results — gaps per quality
/// item and group, the perception index with MAMPU's stars, NPS, the demographics and the comments.
struct SurveyDeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let viewer = routes.access(.staff(.viewSatisfaction))
        let manager = routes.access(.staff(.manageSatisfaction))
        viewer.get(.satisfaction(.surveys), use: list)
        manager.post(.satisfaction(.surveys), use: create)
        viewer.get(.satisfaction(.surveyDesk(":id")), use: show)
        manager.post(.satisfaction(.surveyItems(":id")), use: addItem)
        manager.post(.satisfaction(.surveyItem(":id", ":action")), use: itemAction)
        manager.post(.satisfaction(.surveyStatus(":id")), use: status)
        manager.get(.satisfaction(.surveyEntry(":id")), use: entry)
        manager.post(.satisfaction(.surveyEntry(":id")), use: enter)
    }

    typealias Choice = CharterDeskController.Choice

    struct Row: Encodable, Sendable { let title: String; let href: String; let status: String; let version: Int; let responses: Int }
    struct ListPage: Encodable, Sendable { let layout: LayoutContext; let rows: [Row]; let canManage: Bool; let action: String }

    func list(req: Request) async throws -> View {
        var rows: [Row] = []
        for survey in try await PeriodicSurvey.query(on: req.db).sort(\.$createdAt, .descending).all() {
            rows.append(Row(title: survey.title(in: req.language), href: SiteURL.satisfaction(.surveyDesk(survey.id!.uuidString)).path,
                            status: req.t("survey.status.\(survey.status.rawValue)"), version: survey.version,
                            responses: try await PeriodicSurveyResponse.query(on: req.db).filter(\.$surveyID == survey.id!).count()))
        }
        return try await req.view.render("Satisfaction/surveys", ListPage(layout: await LayoutContext.make(for: req, title: req.t("survey.periodic.title")),
                                                                           rows: rows, canManage: req.staff?.allows(.manageSatisfaction) == true,
                                                                           action: SiteURL.satisfaction(.surveys).path))
    }

    func create(req: Request) async throws -> Response {
        let f = req.formFields()
        do {
            let survey = try await PeriodicSurveys(app: req.application).createFromTemplate(
                code: f["code"] ?? "", titleMS: (f["titleMs"] ?? "").nilIfEmpty ?? "Tinjauan Kepuasan Pelanggan",
                titleEN: (f["titleEn"] ?? "").nilIfEmpty ?? "Customer Satisfaction Survey")
            return req.seeOther(.satisfaction(.surveyDesk(survey.id!.uuidString)))
        } catch {
            // A bad code, or one already taken (its uniqueness is the database's).
            try await req.flash("error", req.t("survey.periodic.badCode"))
            return req.seeOther(.satisfaction(.surveys))
        }
    }

    private func survey(_ req: Request) async throws -> PeriodicSurvey {
        let survey = try await req.found(PeriodicSurvey.self)
        return survey
    }

    struct ItemLine: Encodable, Sendable {
        let number: Int
        let text: String
        let kind: String
        let quality: String?
        let expectation: String
        let perception: String
        let gap: String
        let negative: Bool
        let other: String
        let pairs: Int
        let retired: Bool
        let actions: [Choice]
    }
    struct GroupLine: Encodable, Sendable { let group: String; let expectation: String; let perception: String; let gap: String; let negative: Bool; let pairs: Int }
    struct ShowPage: Encodable, Sendable {
        let layout: LayoutContext
        let title: String
        let status: String
        let version: Int
        let from: String
        let to: String
        let branches: [Choice]
        let responses: Int
        let suppressed: Bool
        let minimum: Int
        let index: String
        let stars: String
        let nps: String?
        let groups: [GroupLine]
        let items: [ItemLine]
        let comments: [String]
        let canManage: Bool
        let publicHref: String
        let qrHref: String
        let printHref: String
        let entryHref: String
        let addAction: String
        let statusAction: String
        let kinds: [Choice]
        let qualities: [Choice]
        let isOpen: Bool
    }

    func show(req: Request) async throws -> View {
        let survey = try await survey(req)
        let range = try MonthRange(req, today: LocalDate(req.application.clock.now()))
        let (from, to) = (range.from, range.to)
        let (branchID, code) = try await MonthRange.branch(req)
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let results = try await PeriodicSurveyResults.read(survey, from: from, to: to, branchID: branchID, on: req.db)
        let minimum = try await SatisfactionSettings.values(req.application).minimumResponses
        let suppressed = results.responses < minimum
        func fmt(_ value: Double?, _ digits: Int = 2) -> String { suppressed ? "—" : value.map { String(format: "%.\(digits)f", $0) } ?? "—" }
        let canManage = req.staff?.allows(.manageSatisfaction) == true
        var number = 0
        let items: [ItemLine] = results.items.map { r in
            let retired = !r.item.asked(in: survey.version)
            if !retired { number += 1 }
            var other = ""
            switch r.item.kind {
            case .rating: other = r.ratings.index.map { req.t("survey.result.index", ["index": String(format: "%.1f", $0)]) } ?? ""
            case .recommend: other = r.recommend.nps.map { "NPS \($0)" } ?? ""
            case .effort: other = r.effortCount > 0 ? String(format: "CES %.2f", Double(r.effortSum) / Double(r.effortCount)) : ""
            case .choice:
                let names = r.item.choices(in: req.language)
                other = r.choices.sorted { $0.key < $1.key }.map { "\(names.indices.contains($0.key) ? names[$0.key] : "?"): \($0.value)" }.joined(separator: " · ")
            case .servqual, .comment: other = ""
            }
            if suppressed { other = other.isEmpty ? "" : "—" }
            var actions: [Choice] = []
            if canManage && !retired {
                actions = [Choice(value: SiteURL.satisfaction(.surveyItem(r.item.id!.uuidString, "up")).path, label: req.t("survey.item.up"), selected: false),
                           Choice(value: SiteURL.satisfaction(.surveyItem(r.item.id!.uuidString, "down")).path, label: req.t("survey.item.down"), selected: false),
                           Choice(value: SiteURL.satisfaction(.surveyItem(r.item.id!.uuidString, "retire")).path, label: req.t("survey.item.retire"), selected: false)]
            }
            return ItemLine(number: retired ? 0 : number, text: r.item.text(in: req.language), kind: req.t(r.item.kind.catalogueKey),
                            quality: r.item.quality.map { req.t($0.catalogueKey) }, expectation: fmt(r.gap.expectation), perception: fmt(r.gap.perception),
                            gap: fmt(r.gap.gap), negative: !suppressed && (r.gap.gap ?? 0) < 0, other: other, pairs: r.gap.pairs, retired: retired, actions: actions)
        }
        let index = results.perceptionIndex
        let nps = results.items.first { $0.item.kind == SurveyItemKind.recommend }?.recommend.nps
        return try await req.view.render("Satisfaction/survey", ShowPage(
            layout: await LayoutContext.make(for: req, title: survey.title(in: req.language)), title: survey.title(in: req.language),
            status: req.t("survey.status.\(survey.status.rawValue)"), version: survey.version, from: from.key, to: to.key,
            branches: Choice.branches(branches, key: .code, selected: code, req),
            responses: results.responses, suppressed: suppressed, minimum: minimum, index: fmt(index.index, 1),
            stars: suppressed ? "" : index.stars?.symbols ?? "", nps: suppressed ? nil : nps.map(String.init),
            groups: results.groups.map { group, gap in
                GroupLine(group: req.t(group.catalogueKey), expectation: fmt(gap.expectation), perception: fmt(gap.perception), gap: fmt(gap.gap),
                          negative: !suppressed && (gap.gap ?? 0) < 0, pairs: gap.pairs)
            }, items: items, comments: suppressed ? [] : try await PeriodicSurveyResults.comments(survey, on: req.db), canManage: canManage,
            publicHref: SiteURL.satisfaction(.periodic(survey.code)).path, qrHref: SiteURL.satisfaction(.periodicQR(survey.code)).path,
            printHref: SiteURL.satisfaction(.periodicPrint(survey.code)).path, entryHref: SiteURL.satisfaction(.surveyEntry(survey.id!.uuidString)).path,
            addAction: SiteURL.satisfaction(.surveyItems(survey.id!.uuidString)).path, statusAction: SiteURL.satisfaction(.surveyStatus(survey.id!.uuidString)).path,
            kinds: SurveyItemKind.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == .rating) },
            qualities: [Choice(value: "", label: "—", selected: true)] + QualityItem.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: false) },
            isOpen: survey.status == .open))
    }

    func addItem(req: Request) async throws -> Response {
        let survey = try await survey(req)
        let f = req.formFields()
        let ms = (f["textMs"] ?? "").trimmed, en = (f["textEn"] ?? "").trimmed
        let choicesMS = (f["choicesMs"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmed }.filter { !$0.isEmpty }
        let choicesEN = (f["choicesEn"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmed }.filter { !$0.isEmpty }
        guard let kind = f["kind"].flatMap(SurveyItemKind.init(rawValue:)), (3...500).contains(ms.count), (3...500).contains(en.count),
              kind != .choice || (choicesMS.count >= 2 && choicesMS.count == choicesEN.count),
              kind != .servqual || f["quality"].flatMap(QualityItem.init(rawValue:)) != nil else {
            try await req.flash("error", req.t("survey.item.invalid"))
            return req.seeOther(.satisfaction(.surveyDesk(survey.id!.uuidString)))
        }
        try await PeriodicSurveys(app: req.application).add(SurveyItemDraft(
            kind: kind, quality: f["quality"].flatMap(QualityItem.init(rawValue:)), textMS: ms, textEN: en,
            choices: zip(choicesMS, choicesEN).map { ($0, $1) }), to: survey)
        try await req.flash("success", req.t("survey.item.added"))
        return req.seeOther(.satisfaction(.surveyDesk(survey.id!.uuidString)))
    }

    func itemAction(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let item = try await PeriodicSurveyItem.find(id, on: req.db),
              let survey = try await PeriodicSurvey.find(item.surveyID, on: req.db) else { throw Abort(.notFound) }
        let engine = PeriodicSurveys(app: req.application)
        switch req.parameters.get("action") {
        case "up": try await engine.move(item, of: survey, up: true)
        case "down": try await engine.move(item, of: survey, up: false)
        case "retire": try await engine.retire(item, of: survey)
        default: throw Abort(.notFound)
        }
        return req.seeOther(.satisfaction(.surveyDesk(survey.id!.uuidString)))
    }

    func status(req: Request) async throws -> Response {
        let survey = try await survey(req)
        guard let status = req.formFields()["status"].flatMap(PeriodicSurvey.Status.init(rawValue:)), status != .draft else { throw Abort(.badRequest) }
        survey.status = status
        try await survey.save(on: req.db)
        return req.seeOther(.satisfaction(.surveyDesk(survey.id!.uuidString)))
    }

    struct EntryPage: Encodable, Sendable { let layout: LayoutContext; let form: PeriodicSurveyForm; let action: String; let entered: Int; let back: String }

    /// The fast entry screen for paper forms: every question as a small box, typed with the keyboard, one form after another.
    func entry(req: Request) async throws -> View {
        let survey = try await survey(req)
        let items = try await PeriodicSurveys(app: req.application).asked(survey)
        let entered = try await PeriodicSurveyResponse.query(on: req.db).filter(\.$surveyID == survey.id!).filter(\.$channel == .paper)
            .filter(\.$enteredBy == req.staff?.name).filter(\.$day == LocalDate(req.application.clock.now()).iso).count()
        return try await req.view.render("Satisfaction/survey-entry", EntryPage(
            layout: await LayoutContext.make(for: req, title: req.t("survey.entry.title")),
            form: PeriodicSurveyForm(survey, items: items, branches: try await Branch.query(on: req.db).sort(\.$code).all(), req),
            action: SiteURL.satisfaction(.surveyEntry(survey.id!.uuidString)).path, entered: entered,
            back: SiteURL.satisfaction(.surveyDesk(survey.id!.uuidString)).path))
    }

    func enter(req: Request) async throws -> Response {
        let survey = try await survey(req)
        let engine = PeriodicSurveys(app: req.application)
        let fields = req.formFields()
        var branch: UUID?
        if let code = fields["branch"], !code.isEmpty { branch = try await Branch.query(on: req.db).filter(\.$code == code).first()?.id }
        do {
            _ = try await engine.submit(survey, answers: PeriodicSurveyForm.answers(fields, items: try await engine.asked(survey)), channel: .paper,
                                        branchID: branch, enteredBy: req.staff?.name)
            try await req.flash("success", req.t("survey.entry.saved"))
        } catch PeriodicSurveys.Failure.invalid {
            try await req.flash("error", req.t("survey.periodic.invalid"))
        } catch PeriodicSurveys.Failure.empty {
            try await req.flash("error", req.t("survey.periodic.empty"))
        } catch PeriodicSurveys.Failure.closed {
            try await req.flash("error", req.t("survey.periodic.closed"))
        }
        return req.seeOther(.satisfaction(.surveyEntry(survey.id!.uuidString)))
    }
}
