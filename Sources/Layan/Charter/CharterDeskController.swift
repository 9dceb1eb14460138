import Fluent
import Foundation
import LayanCore
import Vapor

/// The charter behind the counter (docs/charter.md): the achievement table for the agency or a branch with every
/// miss one click away, the reasons officers write, and a month published once every miss has one.
struct CharterDeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let viewer = routes.access(.staff(.viewCharter))
        viewer.get(.charterDesk(.achievement), use: achievement)
        viewer.get(.charterDesk(.misses), use: misses)
        let explainer = routes.access(.staff(.explainCharterMisses))
        explainer.post(.charterDesk(.explain), use: explain)
        explainer.post(.charterDesk(.explainAll), use: explainAll)
        routes.access(.staff(.manageCharter)).post(.charterDesk(.publishMonth(":month")), use: publishMonth)
    }

    // MARK: Achievement

    struct Choice: Encodable, Sendable { let value: String; let label: String; let selected: Bool }
    struct MonthToPublish: Encodable, Sendable { let label: String; let action: String; let unexplained: Int; let published: String? }
    struct AchievementPage: Encodable, Sendable {
        let layout: LayoutContext
        let branches: [Choice]
        let review: CharterReviewContext?
        let grid: CharterGrid
        let lastMonth: MonthToPublish?
        let manual: CharterManualController.Section?
        let canManage: Bool
        let editHref: String
        let versionsHref: String
        let publicHref: String
    }

    func achievement(req: Request) async throws -> View {
        let today = LocalDate(req.application.clock.now())
        let branchID = req.query[UUID.self, at: "branch"]
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let table = try await req.application.charterTables.table(on: req.db, months: CharterMonth(containing: today).lastMonths(CharterController.monthsShown),
                                                                  branchID: branchID, today: today)
        let grid = CharterGrid(table, req) { lineage, month in
            SiteURL.charterDesk(.misses).path(["commitment": lineage.uuidString, "month": month.key, "branch": branchID?.uuidString ?? ""])
        }
        let last = CharterMonth(containing: today).previous
        var lastMonth: MonthToPublish?
        if table.inForce != nil {
            let published = try await CharterPublishedMonth.find(last.key, on: req.db)
            lastMonth = MonthToPublish(label: MalaysianTime.month(last.first, in: req.language), action: SiteURL.charterDesk(.publishMonth(last.key)).path,
                                       unexplained: published == nil ? try await CharterMissList(db: req.db).unexplained(month: last, today: today) : 0,
                                       published: published.map { "\($0.publishedBy), \(MalaysianTime.dateTime($0.publishedAt, in: req.language))" })
        }
        return try await req.view.render("Charter/achievement", AchievementPage(
            layout: await LayoutContext.make(for: req, title: req.t("charter.desk.title")),
            branches: Choice.branches(branches, key: .id, selected: branchID?.uuidString, req),
            review: CharterReviewContext(table.inForce, req), grid: grid, lastMonth: lastMonth,
            manual: try await CharterManualController.section(req, table: table, branches: branches, today: today),
            canManage: req.staff?.allows(.manageCharter) ?? false, editHref: SiteURL.charterDesk(.edit).path,
            versionsHref: SiteURL.charterDesk(.versions).path, publicHref: SiteURL.charter.path))
    }

    // MARK: Misses

    struct MissRow: Encodable, Sendable {
        let label: String
        let href: String?
        let day: String
        let measured: String?
        let reason: String?
        let reasonBy: String?
        let recordID: String
        let recoveryHref: String?
    }
    struct MissesPage: Encodable, Sendable {
        let layout: LayoutContext
        let commitment: String
        let standard: String
        let month: String
        let metric: String
        let rows: [MissRow]
        let truncated: Bool
        let canExplain: Bool
        let back: String
        let explainAction: String
        let explainAllAction: String
        let unexplained: Int
        let returnTo: String
    }

    struct MissQuery { let lineage: UUID; let month: CharterMonth; let branchID: UUID? }

    static func missQuery(_ req: Request) throws -> MissQuery {
        guard let lineage = req.query[UUID.self, at: "commitment"] else {
            throw ValidationFailure(["commitment": "is not a commitment id"], reason: req.t("charter.misses.badQuery"), status: .badRequest)
        }
        guard let month = req.query[String.self, at: "month"].flatMap(CharterMonth.init(key:)) else {
            throw ValidationFailure(["month": "is not a month (YYYY-MM)"], reason: req.t("charter.misses.badQuery"), status: .badRequest)
        }
        let branch = req.query[String.self, at: "branch"].flatMap { $0.isEmpty ? nil : $0 }
        if let branch, UUID(uuidString: branch) == nil {
            throw ValidationFailure(["branch": "is not a branch id"], reason: req.t("charter.misses.badQuery"), status: .badRequest)
        }
        return MissQuery(lineage: lineage, month: month, branchID: branch.flatMap(UUID.init(uuidString:)))
    }

    func misses(req: Request) async throws -> View {
        let query = try Self.missQuery(req)
        let today = LocalDate(req.application.clock.now())
        guard let commitment = try await CharterCommitmentRecord.query(on: req.db).filter(\.$lineage == query.lineage).sort(\.$position).first() else {
            throw Abort(.notFound)
        }
        let found = try await CharterMissList(db: req.db).misses(lineage: query.lineage, month: query.month, branchID: query.branchID, today: today)
        let minutes = commitment.metric == .counterWait || commitment.metric == .counterService
        let rows = found.map { miss in
            let isCase = miss.metric == .caseAcknowledged || miss.metric == .caseResolved
            return MissRow(label: miss.label, href: isCase ? SiteURL.cases(.show(miss.recordID)).path : nil,
                           day: MalaysianTime.longDate(iso: miss.day, in: req.language),
                           measured: miss.measured.map { minutes ? String(format: "%.1f", $0) + " " + req.t("charter.unit.minutes") : "\(Int($0)) " + req.t("charter.unit.seconds") },
                           reason: miss.reason, reasonBy: miss.reasonBy, recordID: miss.recordID,
                           recoveryHref: isCase && miss.stillOpen ? SiteURL.cases(.recoveryForCase(miss.recordID)).path : nil)
        }
        return try await req.view.render("Charter/misses", MissesPage(
            layout: await LayoutContext.make(for: req, title: req.t("charter.misses.title")),
            commitment: commitment.text(in: req.language), standard: CharterTable.standardText(commitment, req),
            month: MalaysianTime.month(query.month.first, in: req.language), metric: commitment.metric.rawValue, rows: rows,
            truncated: found.count >= CharterMissList.limit, canExplain: req.staff?.allows(.explainCharterMisses) ?? false,
            back: SiteURL.charterDesk(.achievement).path(["branch": query.branchID?.uuidString ?? ""]),
            explainAction: SiteURL.charterDesk(.explain).path, explainAllAction: SiteURL.charterDesk(.explainAll).path(["commitment": query.lineage.uuidString, "month": query.month.key,
                                                                                      "branch": query.branchID?.uuidString ?? ""]),
            unexplained: found.filter { $0.reason == nil }.count, returnTo: req.url.string))
    }

    struct ExplainForm: Content { let metric: String; let record: String; let reason: String; let returnTo: String? }

    func explain(req: Request) async throws -> Response {
        let form = try req.content.decode(ExplainForm.self)
        // Only a path of ours is followed back, never another site.
        let back = form.returnTo.flatMap { $0.hasPrefix(SiteURL.charterDesk(.misses).path + "?") ? $0 : nil } ?? SiteURL.charterDesk(.achievement).path
        guard let metric = CharterMetric(rawValue: form.metric), !form.record.isEmpty, form.record.count <= 200 else {
            throw ValidationFailure(["metric": "is not a charter metric"], reason: req.t("charter.misses.badQuery"), status: .badRequest)
        }
        do {
            try await CharterEngine(app: req.application).explain(metric: metric, recordID: form.record, reason: form.reason, by: req.staff!)
            try await req.flash("success", req.t("charter.misses.saved"))
        } catch CharterEngine.Failure.reasonEmpty {
            try await req.flash("error", req.t("charter.misses.reasonEmpty"))
        }
        return req.seeOther(back)
    }

    struct ExplainAllForm: Content { let reason: String }

    /// The same reason for every unexplained miss of the list the form was on (its query names it).
    func explainAll(req: Request) async throws -> Response {
        let query = try Self.missQuery(req)
        let form = try req.content.decode(ExplainAllForm.self)
        let back = SiteURL.charterDesk(.misses).path(["commitment": query.lineage.uuidString, "month": query.month.key, "branch": query.branchID?.uuidString ?? ""])
        do {
            let count = try await CharterEngine(app: req.application).explainAll(lineage: query.lineage, month: query.month, branchID: query.branchID,
                                                                                reason: form.reason, by: req.staff!)
            try await req.flash("success", req.t("charter.misses.savedAll", ["count": "\(count)"]))
        } catch CharterEngine.Failure.reasonEmpty {
            try await req.flash("error", req.t("charter.misses.reasonEmpty"))
        }
        return req.seeOther(back)
    }

    func publishMonth(req: Request) async throws -> Response {
        guard let month = req.parameters.get("month").flatMap(CharterMonth.init(key:)) else { throw Abort(.notFound) }
        do {
            try await CharterEngine(app: req.application).publish(month: month, by: req.staff!)
            try await req.flash("success", req.t("charter.month.published", ["month": MalaysianTime.month(month.first, in: req.language)]))
        } catch let CharterEngine.Failure.unexplainedMisses(count) {
            try await req.flash("error", req.t("charter.month.unexplained", ["count": "\(count)"]))
        } catch CharterEngine.Failure.monthNotOver {
            try await req.flash("error", req.t("charter.month.notOver"))
        }
        return req.seeOther(.charterDesk(.achievement))
    }
}
