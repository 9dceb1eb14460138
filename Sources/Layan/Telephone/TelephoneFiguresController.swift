import Fluent
import Foundation
import LayanCore
import Vapor

/// The telephone figures (PKPA 1/2008, telephone rule 1), each with its formula: per day, hour, queue and agent for
/// any range, the staffing advice per hour of day (Erlang C), as a page, CSV and `getTelephoneFigures`.
struct TelephoneFiguresController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let supervisor = routes.access(.staff(.superviseTelephone))
        supervisor.get(.telephone(.figures), use: page)
        supervisor.get(.telephone(.figuresCSV), use: csv)
        routes.access(.api(.telephoneRead)).get(.api(.telephoneFigures), use: api)
    }

    struct Row: Content, Sendable {
        let group: String
        let figures: TelephoneFigures
    }

    struct Report: Content, Sendable {
        let from: String, to: String, queue: String?
        let standard: TelephoneStandard
        let total: TelephoneFigures
        let byDay: [Row], byHour: [Row], byQueue: [Row], byAgent: [Row]
        let staffing: [TelephoneStaffing]
    }

    struct Range { let from: LocalDate; let to: LocalDate; let queue: String? }

    /// The range asked for: `from`/`to` as dates (default: this month so far), at most 366 days.
    static func range(_ req: Request) throws -> Range {
        let today = LocalDate(req.application.clock.now())
        let monthStart = LocalDate(year: today.components.year, month: today.components.month, day: 1)!
        func date(_ name: String, _ fallback: LocalDate) throws -> LocalDate {
            guard let text = req.query[String.self, at: name], !text.isEmpty else { return fallback }
            guard let date = LocalDate(text) else { throw ValidationFailure([name: "is not a date (YYYY-MM-DD)"], reason: "Give \(name) as YYYY-MM-DD", status: .badRequest) }
            return date
        }
        let from = try date("from", monthStart), to = try date("to", today)
        guard from <= to else { throw ValidationFailure(["from": "is after to"], reason: "from must not be after to", status: .badRequest) }
        guard to.dayNumber - from.dayNumber <= 366 else { throw ValidationFailure(["to": "is more than 366 days after from"], reason: "A range may span at most 366 days", status: .badRequest) }
        let queue = req.query[String.self, at: "queue"]?.trimmed.nilIfEmpty
        if let queue, queue.count > 80 { throw ValidationFailure(["queue": "is longer than 80 characters"], reason: "Queue name too long", status: .badRequest) }
        return Range(from: from, to: to, queue: queue)
    }

    static func report(_ range: Range, on db: any Database) async throws -> Report {
        let settings = try await TelephoneSettings.current(on: db)
        let standard = settings.standard
        let store = TelephoneStore(db: db)
        func rows(_ grouping: TelephoneStore.Grouping) async throws -> [Row] {
            try await store.counts(from: range.from, to: range.to, queue: range.queue, by: grouping).map {
                Row(group: $0.group, figures: TelephoneFigures($0.counts, formula: standard.formula, within: standard.answerWithinSeconds))
            }
        }
        let byHour = try await rows(.hour)
        let days = try await store.daysWithCalls(from: range.from, to: range.to, queue: range.queue)
        let staffing = byHour.map { TelephoneStaffing.advise(hour: Int($0.group) ?? 0, counts: $0.figures.counts, days: days, standard: standard) }
        let total = try await rows(.total).first?.figures ?? TelephoneFigures(CallCounts(), formula: standard.formula, within: standard.answerWithinSeconds)
        return Report(from: range.from.iso, to: range.to.iso, queue: range.queue, standard: standard, total: total,
                      byDay: try await rows(.day), byHour: byHour, byQueue: try await rows(.queue), byAgent: try await rows(.agent), staffing: staffing)
    }

    func api(req: Request) async throws -> Report { try await Self.report(try Self.range(req), on: req.db) }

    struct Cell: Encodable, Sendable {
        let group: String, offered: Int, answered: Int, charter: String, sl: String, sl2: String, asa: String, longest: Int, abandoned: Int
        let abandonedWithin: Int, abandonment: String, rna: String, transferred: Int, returned: Int, met: Bool?
    }
    struct Section: Encodable, Sendable { let id: String; let heading: String; let column: String; let cells: [Cell] }
    struct StaffingCell: Encodable, Sendable { let hour: String; let calls: String; let talk: String; let agents: String }
    struct Page: Encodable, Sendable {
        let layout: LayoutContext; let from: String; let to: String; let queue: String; let queues: [Choice]
        let total: Cell; let sections: [Section]; let staffing: [StaffingCell]
        let formulas: [String: String]; let charterFormula: String; let target: Int; let within: Int
        let csvHref: String; let wallboardHref: String; let importHref: String; let pbxHref: String; let settingsHref: String
    }

    static func percent(_ figure: TelephoneFigure) -> String {
        figure.value.map { String(format: "%.1f %%", $0 * 100) } ?? "—"
    }

    static func cell(_ row: Row, target: Int) -> Cell {
        let f = row.figures
        return Cell(group: row.group, offered: f.counts.offered, answered: f.counts.answered, charter: percent(f.charterServiceLevel),
                    sl: percent(f.serviceLevel), sl2: percent(f.serviceLevel2), asa: f.averageSpeedOfAnswer.map { String(format: "%.1f s", $0) } ?? "—",
                    longest: f.longestWait, abandoned: f.counts.abandoned, abandonedWithin: f.counts.abandonedWithin, abandonment: percent(f.abandonment),
                    rna: percent(f.ringNoAnswerRate), transferred: f.counts.transferred, returned: f.counts.returned,
                    met: f.charterServiceLevel.value.map { $0 * 100 >= Double(target) })
    }

    func page(req: Request) async throws -> Response {
        let range: Range
        do { range = try Self.range(req) } catch let failure as ValidationFailure {
            try await req.flash("error", req.t("telephone.figures.badRange"))
            _ = failure
            return req.seeOther(.telephone(.figures))
        }
        let report = try await Self.report(range, on: req.db)
        let target = report.standard.targetPercent
        let agents = try await Staff.query(on: req.db).all()
        let byExtension = Dictionary(agents.compactMap { s in s.phoneExtension.map { ($0, s.name) } }, uniquingKeysWith: { a, _ in a })
        let queues = try await TelephoneStore(db: req.db).queues()
        let within = report.standard.answerWithinSeconds
        let sample = report.total
        return try await req.render("Telephone/figures", Page(
            layout: await LayoutContext.make(for: req, title: req.t("telephone.figures.title")), from: report.from, to: report.to, queue: range.queue ?? "",
            queues: queues.map { Choice(value: $0, label: $0, selected: $0 == range.queue) },
            total: Self.cell(Row(group: req.t("telephone.figures.all"), figures: report.total), target: target),
            sections: [
                Section(id: "day", heading: req.t("telephone.figures.byDay"), column: req.t("telephone.col.day"), cells: report.byDay.map { Self.cell($0, target: target) }),
                Section(id: "hour", heading: req.t("telephone.figures.byHour"), column: req.t("telephone.col.hour"),
                        cells: report.byHour.map { Self.cell(Row(group: String(format: "%02d:00", Int($0.group) ?? 0), figures: $0.figures), target: target) }),
                Section(id: "queue", heading: req.t("telephone.figures.byQueue"), column: req.t("telephone.col.queue"), cells: report.byQueue.map { Self.cell($0, target: target) }),
                Section(id: "agent", heading: req.t("telephone.figures.byAgent"), column: req.t("telephone.col.agent"), cells: report.byAgent.map { row in
                    let name = CallerNumber.memberExtension(row.group).flatMap { byExtension[$0] }
                    return Self.cell(Row(group: row.group.isEmpty ? req.t("telephone.figures.noAgent") : row.group + (name.map { " — \($0)" } ?? ""), figures: row.figures), target: target)
                }),
            ],
            staffing: report.staffing.map { StaffingCell(hour: String(format: "%02d:00", $0.hour), calls: String(format: "%.1f", $0.callsPerHour),
                                                          talk: String(format: "%.0f s", $0.averageTalkSeconds), agents: $0.agentsNeeded.map(String.init) ?? "—") },
            formulas: ["charter": sample.charterServiceLevel.formula, "sl": sample.serviceLevel.formula, "sl2": sample.serviceLevel2.formula,
                       "abandonment": sample.abandonment.formula, "rna": sample.ringNoAnswerRate.formula, "returned": sample.returnedTransfers.formula,
                       "asa": "Σ wait of answered ÷ answered"],
            charterFormula: req.t(report.standard.formula.catalogueKey), target: target, within: within,
            csvHref: SiteURL.telephone(.figuresCSV).path(["from": report.from, "to": report.to, "queue": range.queue ?? ""]),
            wallboardHref: SiteURL.telephone(.wallboard).path, importHref: SiteURL.telephone(.importLog).path,
            pbxHref: SiteURL.telephone(.pbx).path, settingsHref: SiteURL.telephone(.settings).path))
    }

    /// One line per day, hour, queue and agent, with the counts and the figures (a spreadsheet opens it as it is).
    func csv(req: Request) async throws -> Response {
        let report = try await Self.report(try Self.range(req), on: req.db)
        var text = "grouping,group,offered,answered,answered_within,abandoned,abandoned_within,left_by_key,service_level,service_level_2,charter_service_level,average_speed_of_answer,longest_wait,abandonment,ring_no_answer_rate,transferred,returned\r\n"
        func share(_ f: TelephoneFigure) -> String { f.value.map { String(format: "%.4f", $0) } ?? "" }
        func line(_ grouping: String, _ row: Row) {
            let f = row.figures, c = f.counts
            let safe = CSV.field(row.group)
            text += "\(grouping),\(safe),\(c.offered),\(c.answered),\(c.answeredWithin),\(c.abandoned),\(c.abandonedWithin),\(c.leftByKey),"
            text += "\(share(f.serviceLevel)),\(share(f.serviceLevel2)),\(share(f.charterServiceLevel)),\(f.averageSpeedOfAnswer.map { String(format: "%.2f", $0) } ?? ""),"
            text += "\(f.longestWait),\(share(f.abandonment)),\(share(f.ringNoAnswerRate)),\(c.transferred),\(c.returned)\r\n"
        }
        line("total", Row(group: "all", figures: report.total))
        for row in report.byDay { line("day", row) }
        for row in report.byHour { line("hour", row) }
        for row in report.byQueue { line("queue", row) }
        for row in report.byAgent { line("agent", row) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(name: .contentDisposition, value: "attachment; filename=\"telephone-\(report.from)-\(report.to).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
