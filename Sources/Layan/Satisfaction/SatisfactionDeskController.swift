import Fluent
import Foundation
import LayanCore
import Vapor

/// Satisfaction behind the counter (docs/satisfaction.md): the indices by month, branch, counter, officer, service
/// and channel with MAMPU's stars and a chart; the follow-ups of low scores; the counters' rating tablets.
struct SatisfactionDeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let viewer = routes.access(.staff(.viewSatisfaction))
        viewer.get(.satisfaction(.report), use: report)
        viewer.get(.satisfaction(.reportCSV), use: csv)
        viewer.get(.satisfaction(.followUps), use: followUps)
        let manager = routes.access(.staff(.manageSatisfaction))
        manager.post(.satisfaction(.closeFollowUp(":id")), use: closeFollowUp)
        manager.get(.satisfaction(.devices), use: devices)
        manager.post(.satisfaction(.pair(":id")), use: pair)
        manager.post(.satisfaction(.revoke(":id")), use: revoke)
        manager.post(.satisfaction(.settings), use: saveSettings)
    }

    typealias Choice = CharterDeskController.Choice

    /// The report's filter from the query: months `from`–`to` (default the last 12), `branch` code, `source`, `by`.
    static func query(_ req: Request) async throws -> (SatisfactionFigures.Filter, SatisfactionFigures.Dimension, branchCode: String) {
        let range = try MonthRange(req, today: LocalDate(req.application.clock.now()))
        let (branchID, code) = try await MonthRange.branch(req)
        let source = try req.query[String.self, at: "source"].flatMap { $0.isEmpty ? nil : $0 }.map { text in
            guard let source = SatisfactionFigures.Source(rawValue: text) else {
                throw ValidationFailure(["source": "counter or case"], reason: req.t("satisfaction.badSource"), status: .badRequest)
            }
            return source
        }
        let byText = req.query[String.self, at: "by"] ?? ""
        guard let by = byText.isEmpty ? .month : SatisfactionFigures.Dimension(rawValue: byText) else {
            throw ValidationFailure(["by": "month, branch, counter, officer, service or channel"], reason: req.t("satisfaction.badDimension"), status: .badRequest)
        }
        return (SatisfactionFigures.Filter(from: range.from.first, until: range.to.next, branchID: branchID, source: source), by, code)
    }

    struct Figure: Encodable, Sendable {
        let label: String
        let respondents: Int
        let suppressed: Bool
        let index: String
        let margin: String
        let stars: String
        let starsLabel: String
        let satisfied: String
        let responseRate: String
    }

    static func figure(_ line: SatisfactionReport.Line, _ req: Request) -> Figure {
        let t = line.figures.tally
        let shown = !line.suppressed
        func number(_ value: Double?) -> String { shown ? value.map { String(format: "%.1f", $0) } ?? "—" : "—" }
        return Figure(label: line.label, respondents: line.figures.respondents, suppressed: line.suppressed, index: number(t.index),
                      margin: number(t.indexMargin), stars: shown ? t.stars?.symbols ?? "" : "",
                      starsLabel: shown ? t.stars.map { req.t("satisfaction.stars", ["count": "\($0.stars)"]) } ?? "" : "",
                      satisfied: number(t.shareSatisfied), responseRate: number(line.figures.responseRate))
    }

    /// A bar of the chart: the month's index on a 0–100 scale (SVG, no script).
    struct Bar: Encodable, Sendable { let x: Int; let y: Int; let height: Int; let label: String; let value: String }
    struct Band: Encodable, Sendable { let y: Int; let labelY: Int; let label: String }
    struct Count: Encodable, Sendable { let label: String; let count: Int }

    struct ReportPage: Encodable, Sendable {
        let layout: LayoutContext
        let from: String
        let to: String
        let branches: [Choice]
        let sources: [Choice]
        let dimensions: [Choice]
        let dimensionLabel: String
        let total: Figure
        let lines: [Figure]
        let questions: [Figure]
        let useAgain: String?
        let reasons: [Count]
        let bars: [Bar]
        let bands: [Band]
        let chartLabel: String
        let chartWidth: Int
        let minimum: Int
        let csvHref: String
        let followUpsHref: String
        let openFollowUps: Int
        let proposalsHref: String
        let engagementHref: String
        let tabletsHref: String
        let surveysHref: String
        let canManage: Bool
    }

    func report(req: Request) async throws -> View {
        let (filter, by, code) = try await Self.query(req)
        let report = try await SatisfactionReport.read(filter, by: by, app: req.application, language: req.language)
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let total = report.total
        let questions = ["outcome", "time_taken", "manner"].compactMap { q -> Figure? in
            guard let tally = total.figures.questions[q] else { return nil }
            var figures = SatisfactionFigures.Line(key: q); figures.tally = tally; figures.respondents = tally.responses
            return Self.figure(SatisfactionReport.Line(key: q, label: req.t("survey.case.\(q)"), figures: figures, suppressed: tally.responses < report.minimumResponses), req)
        }
        // The chart: 26 px a month, the bar's height its index; lines at MAMPU's bands.
        let bars = report.months.enumerated().compactMap { i, month -> Bar? in
            guard !month.suppressed, let index = month.figures.tally.index else { return nil }
            let height = Int(index * 1.6)
            return Bar(x: 40 + i * 26, y: 170 - height, height: height, label: month.key, value: String(format: "%.1f", index))
        }
        let bands = [90, 80, 70, 60, 50].map { Band(y: 170 - $0 * 16 / 10, labelY: 174 - $0 * 16 / 10, label: "\($0)") }
        let query = req.url.query.map { "?" + $0 } ?? ""
        return try await req.view.render("Satisfaction/report", ReportPage(
            layout: await LayoutContext.make(for: req, title: req.t("satisfaction.title")),
            from: CharterMonth(containing: filter.from).key, to: CharterMonth(containing: filter.until.adding(days: -1)).key,
            branches: Choice.branches(branches, key: .code, selected: code, req),
            sources: [Choice(value: "", label: req.t("satisfaction.source.all"), selected: filter.source == nil)]
                + SatisfactionFigures.Source.allCases.map { Choice(value: $0.rawValue, label: req.t("satisfaction.source.\($0.rawValue)"), selected: filter.source == $0) },
            dimensions: SatisfactionFigures.Dimension.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == by) },
            dimensionLabel: req.t(by.catalogueKey), total: Self.figure(total, req), lines: report.lines.map { Self.figure($0, req) },
            questions: questions,
            useAgain: total.figures.useAgainAnswers >= report.minimumResponses
                ? String(format: "%.1f", Double(total.figures.wouldUseAgain) / Double(total.figures.useAgainAnswers) * 100) : nil,
            reasons: total.figures.reasons.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
                .map { Count(label: req.t($0.key.catalogueKey), count: $0.value) },
            bars: bars, bands: bands, chartLabel: req.t("satisfaction.chartLabel"), chartWidth: 50 + report.months.count * 26, minimum: report.minimumResponses,
            csvHref: SiteURL.satisfaction(.reportCSV).path + query, followUpsHref: SiteURL.satisfaction(.followUps).path,
            openFollowUps: try await SatisfactionFollowUp.query(on: req.db).filter(\.$status == .open).count(),
            proposalsHref: SiteURL.satisfaction(.proposals).path, engagementHref: SiteURL.satisfaction(.engagement).path,
            tabletsHref: SiteURL.satisfaction(.devices).path, surveysHref: SiteURL.satisfaction(.surveys).path,
            canManage: req.staff?.allows(.manageSatisfaction) == true))
    }

    func csv(req: Request) async throws -> Response {
        let (filter, by, _) = try await Self.query(req)
        let report = try await SatisfactionReport.read(filter, by: by, app: req.application, language: req.language)
        return CSV.response(report.csv(), filename: "kepuasan-\(by.rawValue).csv")
    }

    // MARK: Follow-ups

    struct FollowUpRow: Encodable, Sendable {
        let id: String
        let created: String
        let branch: String
        let source: String
        let summary: String
        let open: Bool
        let note: String?
        let closedBy: String?
        let caseHref: String?
        let recoveryHref: String?
        let proposalHref: String
        let closeAction: String
    }
    struct FollowUpsPage: Encodable, Sendable { let layout: LayoutContext; let rows: [FollowUpRow]; let canClose: Bool }

    func followUps(req: Request) async throws -> View {
        let rows = try await SatisfactionFollowUp.query(on: req.db).sort(\.$status, .descending).sort(\.$createdAt, .descending).limit(500).all()
        let branches = try await Branch.byID(\.name, on: req.db)
        let summaries = try await Self.summaries(of: rows, req)
        return try await req.view.render("Satisfaction/followups", FollowUpsPage(
            layout: await LayoutContext.make(for: req, title: req.t("satisfaction.followUps.title")),
            rows: rows.map { row in
                FollowUpRow(id: row.id!.uuidString, created: MalaysianTime.dateTime(row.createdAt, in: req.language), branch: branches[row.branchID] ?? "",
                            source: req.t("satisfaction.source.\(row.source.rawValue)"), summary: summaries[row.recordID] ?? row.summary, open: row.status == .open,
                            note: row.note, closedBy: row.closedBy,
                            // Links only to what this officer may open.
                            caseHref: req.staff?.allows(.viewCases) == true ? row.caseID.map { SiteURL.cases(.show($0.uuidString)).path } : nil,
                            recoveryHref: req.staff?.allows(.handleCases) == true ? row.caseID.map { SiteURL.cases(.recoveryForCase($0.uuidString)).path } : nil,
                            // A low score is evidence for an improvement: the proposal form opens with it.
                            proposalHref: SiteURL.satisfaction(.newProposal).path(["source": ProposalSource.lowScore.rawValue,
                                                                                   "evidence": "\(branches[row.branchID] ?? ""): \(summaries[row.recordID] ?? row.summary)"]),
                            closeAction: SiteURL.satisfaction(.closeFollowUp(row.id!.uuidString)).path)
            }, canClose: req.staff?.allows(.manageSatisfaction) ?? false))
    }

    /// What each rating or survey said, in the reader's language (the row keeps the agency's, should the record go).
    static func summaries(of rows: [SatisfactionFollowUp], _ req: Request) async throws -> [UUID: String] {
        let ratings = rows.filter { $0.source == .counter }.map(\.recordID), surveys = rows.filter { $0.source == .case }.map(\.recordID)
        var text: [UUID: String] = [:]
        for rating in try await CounterRating.query(on: req.db).filter(\.$id ~~ ratings).all() {
            text[rating.id!] = FollowUpSummary.rating(rating, req.application.catalogue, req.language)
        }
        for survey in try await CaseSurvey.query(on: req.db).filter(\.$id ~~ surveys).all() {
            text[survey.id!] = FollowUpSummary.survey(survey, req.application.catalogue, req.language)
        }
        return text
    }

    func closeFollowUp(req: Request) async throws -> Response {
        let row = try await req.found(SatisfactionFollowUp.self)
        let note = (req.formFields()["note"] ?? "").trimmed
        guard !note.isEmpty else {
            try await req.flash("error", req.t("satisfaction.followUps.noteRequired"))
            return req.seeOther(.satisfaction(.followUps))
        }
        row.status = .closed; row.note = String(note.prefix(2000)); row.closedBy = req.staff?.name; row.closedAt = req.application.clock.now()
        try await row.save(on: req.db)
        try await req.flash("success", req.t("satisfaction.followUps.closed"))
        return req.seeOther(.satisfaction(.followUps))
    }

    // MARK: Tablets and settings

    struct CounterRow: Encodable, Sendable { let label: String; let pairAction: String; let tablets: [TabletRow] }
    struct TabletRow: Encodable, Sendable { let pairedBy: String; let pairedAt: String; let revokeAction: String }
    struct DevicesPage: Encodable, Sendable {
        let layout: LayoutContext
        let counters: [CounterRow]
        let tabletHref: String
        let minimum: Int
        let surveyDays: Int
        let followUpAt: Int
        let window: Int
        let settingsAction: String
    }

    func devices(req: Request) async throws -> View {
        let branchID = req.staff?.branchID
        var query = Counter.query(on: req.db).with(\.$branch)
        if let branchID, !(req.staff?.roles.contains(.administrator) ?? false) { query = query.filter(\.$branch.$id == branchID) }
        let counters = try await query.all().sorted { ($0.branch.code, $0.number) < ($1.branch.code, $1.number) }
        let tablets = try await RatingDevice.query(on: req.db).filter(\.$revokedAt == nil).all()
        let settings = try await SatisfactionSettings.current(on: req.db)
        return try await req.view.render("Satisfaction/tablets", DevicesPage(
            layout: await LayoutContext.make(for: req, title: req.t("satisfaction.tablets.title")),
            counters: counters.map { counter in
                CounterRow(label: "\(counter.branch.code) · \(req.t("rating.tablet.counter", ["number": "\(counter.number)"]))",
                           pairAction: SiteURL.satisfaction(.pair(counter.id!.uuidString)).path,
                           tablets: tablets.filter { $0.$counter.id == counter.id }.map {
                               TabletRow(pairedBy: $0.pairedBy, pairedAt: MalaysianTime.dateTime($0.pairedAt, in: req.language),
                                         revokeAction: SiteURL.satisfaction(.revoke($0.id!.uuidString)).path)
                           })
            }, tabletHref: SiteURL.satisfaction(.tablet).path, minimum: settings.minimumResponses, surveyDays: settings.surveyDays,
            followUpAt: settings.followUpAtOrBelow, window: settings.ratingWindowMinutes, settingsAction: SiteURL.satisfaction(.settings).path))
    }

    /// Pairs this browser (the tablet itself, signed in by a supervisor) with the counter; then it opens the faces.
    func pair(req: Request) async throws -> Response {
        guard let counterID = req.parameters.get("id", as: UUID.self), try await Counter.find(counterID, on: req.db) != nil else { throw Abort(.notFound) }
        let cookie = try await SatisfactionEngine(app: req.application).pair(counterID: counterID, by: req.staff!)
        try await Audit.record(.create, entity: "rating_tablet", id: counterID.uuidString, changes: [:], by: req)
        let response = req.seeOther(.satisfaction(.tablet))
        response.cookies[RatingController.tabletCookie] = HTTPCookies.Value(
            string: cookie, maxAge: 400 * 86_400, path: "/", isSecure: req.application.settings.behindHTTPS, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func revoke(req: Request) async throws -> Response {
        let device = try await req.found(RatingDevice.self)
        device.revokedAt = req.application.clock.now()
        try await device.save(on: req.db)
        try await req.flash("success", req.t("satisfaction.tablets.revoked"))
        return req.seeOther(.satisfaction(.devices))
    }

    func saveSettings(req: Request) async throws -> Response {
        let fields = req.formFields()
        let settings = try await SatisfactionSettings.current(on: req.db)
        guard let minimum = fields["minimum"].flatMap({ Int($0) }), (1...1000).contains(minimum),
              let days = fields["surveyDays"].flatMap({ Int($0) }), (1...90).contains(days),
              let below = fields["followUpAt"].flatMap({ Int($0) }), (1...4).contains(below),
              let window = fields["window"].flatMap({ Int($0) }), (1...120).contains(window) else {
            try await req.flash("error", req.t("satisfaction.settings.invalid"))
            return req.seeOther(.satisfaction(.devices))
        }
        settings.minimumResponses = minimum; settings.surveyDays = days; settings.followUpAtOrBelow = below; settings.ratingWindowMinutes = window
        try await settings.save(on: req.db)
        req.application.satisfactionSettings.forget()
        try await req.flash("success", req.t("satisfaction.settings.saved"))
        return req.seeOther(.satisfaction(.devices))
    }
}
