import Fluent
import Foundation
import LayanCore
import Vapor

/// The charter behind the counter (docs/charter.md): the achievement table for the agency or a branch with every
/// miss one click away, the reasons officers write, a month published once every miss has one, the draft and its
/// publication checked against PKPA's five qualities, and the versions with what changed and why.
struct CharterDeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let viewer = routes.access(.staff(.viewCharter))
        viewer.get(.charterDesk(.achievement), use: achievement)
        viewer.get(.charterDesk(.misses), use: misses)
        viewer.get(.charterDesk(.versions), use: versions)
        let explainer = routes.access(.staff(.explainCharterMisses))
        explainer.post(.charterDesk(.explain), use: explain)
        explainer.post(.charterDesk(.explainAll), use: explainAll)
        explainer.upload(.charterDesk(.manual), megabytes: 11, use: enterManual)
        viewer.get(.charterDesk(.evidence(":figureID")), use: evidence)
        let manager = routes.access(.staff(.manageCharter))
        manager.post(.charterDesk(.publishMonth(":month")), use: publishMonth)
        manager.get(.charterDesk(.edit), use: editor)
        manager.post(.charterDesk(.edit), use: saveDraft)
        manager.post(.charterDesk(.publish), use: publish)
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
        let manual: ManualSection?
        let canManage: Bool
        let editHref: String
        let versionsHref: String
        let publicHref: String
    }

    func achievement(req: Request) async throws -> View {
        let today = LocalDate(req.application.clock.now())
        let branchID = req.query[UUID.self, at: "branch"]
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let table = try await CharterTable.read(on: req.db, months: CharterMonth(containing: today).lastMonths(CharterController.monthsShown),
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
            branches: [Choice(value: "", label: req.t("charter.desk.agency"), selected: branchID == nil)]
                + branches.map { Choice(value: $0.id!.uuidString, label: "\($0.code) — \($0.name)", selected: $0.id == branchID) },
            review: CharterReviewContext(table.inForce, req), grid: grid, lastMonth: lastMonth,
            manual: try await manualSection(req, table: table, branches: branches, today: today),
            canManage: req.staff?.allows(.manageCharter) ?? false, editHref: SiteURL.charterDesk(.edit).path,
            versionsHref: SiteURL.charterDesk(.versions).path, publicHref: SiteURL.charter.path))
    }

    // MARK: Manual figures

    struct ManualRow: Encodable, Sendable { let commitment: String; let month: String; let branch: String; let figure: String; let by: String; let evidenceHref: String }
    struct ManualSection: Encodable, Sendable {
        let commitments: [Choice]
        let months: [Choice]
        let branches: [Choice]
        let entered: [ManualRow]
        let canEnter: Bool
        let action: String
    }

    /// The manual commitments in force: the figures entered over the table's months, and the form to enter one.
    private func manualSection(_ req: Request, table: CharterTable, branches: [Branch], today: LocalDate) async throws -> ManualSection? {
        let manual = table.rows.filter { $0.commitment.metric == .manual }
        guard !manual.isEmpty else { return nil }
        let figures = try await CharterManualFigure.query(on: req.db).filter(\.$lineage ~~ manual.map(\.lineage))
            .filter(\.$month >= table.months.first!.key).sort(\.$month, .descending)
            .field(\.$id).field(\.$lineage).field(\.$month).field(\.$branchID).field(\.$met).field(\.$total).field(\.$enteredBy).field(\.$evidenceName)
            .all()
        let names = Dictionary(uniqueKeysWithValues: branches.map { ($0.id!, $0.code) })
        return ManualSection(
            commitments: manual.map { Choice(value: $0.lineage.uuidString, label: $0.commitment.text(in: req.language), selected: false) },
            months: table.months.reversed().map { Choice(value: $0.key, label: MalaysianTime.month($0.first, in: req.language), selected: $0 == CharterMonth(containing: today).previous) },
            branches: [Choice(value: "", label: req.t("charter.desk.agency"), selected: true)] + branches.map { Choice(value: $0.id!.uuidString, label: "\($0.code) — \($0.name)", selected: false) },
            entered: figures.map { figure in
                ManualRow(commitment: manual.first { $0.lineage == figure.lineage }?.commitment.text(in: req.language) ?? "",
                          month: CharterMonth(key: figure.month).map { MalaysianTime.month($0.first, in: req.language) } ?? figure.month,
                          branch: figure.branchID.flatMap { names[$0] } ?? req.t("charter.desk.agency"), figure: "\(figure.met)/\(figure.total)",
                          by: figure.enteredBy, evidenceHref: SiteURL.charterDesk(.evidence(figure.id!.uuidString)).path)
            },
            canEnter: req.staff?.allows(.explainCharterMisses) ?? false, action: SiteURL.charterDesk(.manual).path)
    }

    struct ManualForm: Content { let commitment: String?; let month: String?; let branch: String?; let met: String?; let total: String?; let evidence: File? }

    func enterManual(req: Request) async throws -> Response {
        let form = try req.content.decode(ManualForm.self)
        guard let lineage = form.commitment.flatMap(UUID.init(uuidString:)), let month = form.month.flatMap(CharterMonth.init(key:)),
              let met = form.met.flatMap({ Int($0.trimmed) }), let total = form.total.flatMap({ Int($0.trimmed) }) else {
            try await req.flash("error", req.t("charter.manual.badFigure"))
            return req.seeOther(.charterDesk(.achievement))
        }
        let branch = form.branch.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
        let bytes = form.evidence.map { Array($0.data.readableBytesView) } ?? []
        do {
            try await CharterEngine(app: req.application).enterManual(lineage: lineage, month: month, branchID: branch, met: met, total: total,
                                                                      evidenceName: form.evidence?.filename ?? "", evidence: bytes, by: req.staff!)
            try await req.flash("success", req.t("charter.manual.saved"))
        } catch CharterEngine.Failure.notManual, CharterEngine.Failure.badFigure {
            try await req.flash("error", req.t("charter.manual.badFigure"))
        } catch let CharterEngine.Failure.evidence(problem) {
            try await req.flash("error", req.t("charter.manual.evidence." + problem.rawValue))
        }
        return req.seeOther(.charterDesk(.achievement))
    }

    func evidence(req: Request) async throws -> Response {
        guard let id = req.parameters.get("figureID").flatMap(UUID.init(uuidString:)),
              let figure = try await CharterManualFigure.find(id, on: req.db) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType.fileExtension(figure.evidenceType == "application/pdf" ? "pdf" : figure.evidenceType == "image/png" ? "png" : "jpg")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"\(figure.evidenceName)\"")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: figure.evidence))
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

    // MARK: The draft and publishing

    struct EditorRow: Encodable, Sendable {
        let index: Int
        let number: Int
        let lineage: String
        let textMS: String
        let textEN: String
        let metrics: [Choice]
        let standard: String
        let units: [Choice]
        let target: String
        let subjects: [Choice]
    }
    struct FindingLine: Encodable, Sendable { let text: String; let error: Bool }
    struct EditorPage: Encodable, Sendable {
        let layout: LayoutContext
        let number: Int
        let note: String
        let rows: [EditorRow]
        let findings: [FindingLine]
        let canPublish: Bool
        let hasWarnings: Bool
        let today: String
        let needsNote: Bool
        let review: CharterReviewContext?
        let saveAction: String
        let publishAction: String
    }

    struct RowForm: Content {
        var lineage: String?
        var textMS: String?
        var textEN: String?
        var metric: String?
        var standard: String?
        var unit: String?
        var target: String?
        var subject: String?
    }
    struct DraftForm: Content { var rows: [RowForm]?; var note: String? }
    struct PublishForm: Content { var effective: String?; var note: String?; var acceptWarnings: String? }

    /// Blank rows offered under the draft's own, for new commitments.
    static let blankRows = 2

    func editor(req: Request) async throws -> View {
        let engine = CharterEngine(app: req.application)
        let today = LocalDate(req.application.clock.now())
        let draft = try await engine.draft()
        let commitments = draft.commitments.sorted { $0.position < $1.position }
        let subjects = try await subjectChoices(req)
        var rows = commitments.enumerated().map { i, c in
            editorRow(i, lineage: c.lineage.uuidString, draft: c.draft, subjects: subjects, req)
        }
        for i in rows.count..<(rows.count + Self.blankRows) {
            rows.append(editorRow(i, lineage: "", draft: CharterCommitmentDraft(textMS: "", textEN: "", metric: .counterWait, standard: nil, targetPercent: 90),
                                  subjects: subjects, req))
        }
        let findings = try await engine.findings(for: draft, today: today)
        let inForce = try await engine.inForce(on: today)
        return try await req.view.render("Charter/edit", EditorPage(
            layout: await LayoutContext.make(for: req, title: req.t("charter.edit.title")), number: draft.number, note: draft.changeNote,
            rows: rows, findings: findings.map { FindingLine(text: Self.describe($0, commitments, req), error: $0.isError) },
            canPublish: !findings.contains(where: \.isError), hasWarnings: !findings.isEmpty, today: today.iso,
            needsNote: inForce != nil, review: CharterReviewContext(inForce, req),
            saveAction: SiteURL.charterDesk(.edit).path, publishAction: SiteURL.charterDesk(.publish).path))
    }

    private func editorRow(_ i: Int, lineage: String, draft: CharterCommitmentDraft, subjects: [(String, String)], _ req: Request) -> EditorRow {
        EditorRow(index: i, number: i + 1, lineage: lineage, textMS: draft.textMS, textEN: draft.textEN,
                  metrics: CharterMetric.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == draft.metric) },
                  standard: draft.standard.map(String.init) ?? "",
                  units: [Choice(value: "", label: req.t("charter.edit.unitOfMetric"), selected: draft.manualUnit == nil)]
                      + CharterUnit.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == draft.manualUnit) },
                  target: "\(draft.targetPercent)",
                  subjects: subjects.map { Choice(value: $0.0, label: $0.1, selected: $0.0 == draft.subject) })
    }

    /// What a commitment may cover: everything, a counter service (by letter), a case type or type and category, a PBX queue.
    private func subjectChoices(_ req: Request) async throws -> [(String, String)] {
        var choices: [(String, String)] = [("", req.t("charter.edit.subjectAll"))]
        var letters: [String: String] = [:]
        for service in try await QueueService.query(on: req.db).filter(\.$active == true).sort(\.$letter).all() where letters[service.letter] == nil {
            letters[service.letter] = service.name(in: req.language)
        }
        choices += letters.sorted { $0.key < $1.key }.map { ($0.key, req.t("charter.edit.subjectCounter", ["letter": $0.key, "service": $0.value])) }
        choices += CaseType.allCases.map { ($0.rawValue, req.t("charter.edit.subjectCase", ["type": req.t($0.catalogueKey)])) }
        for category in try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$type).sort(\.$nameMs).all() {
            choices.append(("\(category.type.rawValue):\(category.id!.uuidString)",
                            req.t("charter.edit.subjectCase", ["type": req.t(category.type.catalogueKey)]) + " — " + (req.language == .en ? category.nameEn : category.nameMs)))
        }
        for queue in try await TelephoneSettings.current(on: req.db).queues {
            choices.append((queue, req.t("charter.edit.subjectQueue", ["queue": queue])))
        }
        return choices
    }

    static func describe(_ finding: CharterQualityCheck.Finding, _ commitments: [CharterCommitmentRecord], _ req: Request) -> String {
        func n(_ i: Int) -> String { "\(i + 1)" }
        switch finding {
        case let .notMeasurable(i): return req.t("charter.finding.notMeasurable", ["n": n(i)])
        case let .missingText(i): return req.t("charter.finding.missingText", ["n": n(i)])
        case let .targetOutOfRange(i): return req.t("charter.finding.target", ["n": n(i)])
        case let .vagueWording(i, word): return req.t("charter.finding.vague", ["n": n(i), "word": word])
        case let .neverMet(i): return req.t("charter.finding.neverMet", ["n": n(i)])
        case .empty: return req.t("charter.finding.empty")
        }
    }

    func saveDraft(req: Request) async throws -> Response {
        let form = try req.content.decode(DraftForm.self)
        var rows: [(lineage: UUID?, draft: CharterCommitmentDraft)] = []
        for row in form.rows ?? [] {
            let ms = row.textMS?.trimmed ?? "", en = row.textEN?.trimmed ?? ""
            if ms.isEmpty && en.isEmpty { continue } // a blank row offered for a new commitment
            guard let metric = row.metric.flatMap(CharterMetric.init(rawValue:)) else {
                throw ValidationFailure(["metric": "is not a charter metric"], reason: req.t("charter.edit.badRow"))
            }
            let subject = row.subject?.trimmed ?? ""
            guard Self.subject(subject, fits: metric) else {
                try await req.flash("error", req.t("charter.edit.subjectMismatch", ["n": "\(rows.count + 1)"]))
                return req.seeOther(.charterDesk(.edit))
            }
            rows.append((UUID(uuidString: row.lineage ?? ""), CharterCommitmentDraft(
                textMS: String(ms.prefix(500)), textEN: String(en.prefix(500)), metric: metric,
                standard: row.standard.flatMap { Int($0.trimmed) }.map { min($0, 100_000) },
                manualUnit: row.unit.flatMap(CharterUnit.init(rawValue:)),
                targetPercent: row.target.flatMap { Int($0.trimmed) } ?? 0, subject: subject)))
        }
        try await CharterEngine(app: req.application).save(rows, note: String((form.note ?? "").trimmed.prefix(4000)))
        try await req.flash("success", req.t("charter.edit.saved"))
        return req.seeOther(.charterDesk(.edit))
    }

    /// A counter metric covers a service letter, a case metric a case type, a telephone one a queue name.
    static func subject(_ subject: String, fits metric: CharterMetric) -> Bool {
        if subject.isEmpty { return true }
        let isCase = CaseSubject(subject).type != nil
        switch metric {
        case .counterWait, .counterService: return subject.count <= 2 && subject.allSatisfy(\.isLetter) && !isCase
        case .caseAcknowledged, .caseResolved: return isCase
        case .telephoneAnswer: return !isCase
        case .messageReturned, .manual: return true
        }
    }

    func publish(req: Request) async throws -> Response {
        let form = try req.content.decode(PublishForm.self)
        let today = LocalDate(req.application.clock.now())
        guard let effective = form.effective.flatMap({ LocalDate($0) }) else {
            try await req.flash("error", req.t("charter.publish.badDate"))
            return req.seeOther(.charterDesk(.edit))
        }
        let engine = CharterEngine(app: req.application)
        do {
            let version = try await engine.publish(effective: effective, note: form.note ?? "", acceptWarnings: form.acceptWarnings == "on",
                                                   by: req.staff!, today: today)
            try await Audit.record(.update, entity: "charter_version", id: version.id?.uuidString,
                                   changes: ["status": .init(before: "draft", after: "published"), "effective_from": .init(before: nil, after: effective.iso)], by: req)
            try await req.flash("success", req.t("charter.publish.done", ["version": "\(version.number)", "effective": MalaysianTime.longDate(effective, in: req.language)]))
            return req.seeOther(.charterDesk(.versions))
        } catch let CharterEngine.Failure.findings(findings) {
            let errors = findings.contains(where: \.isError)
            try await req.flash("error", req.t(errors ? "charter.publish.errors" : "charter.publish.warnings"))
        } catch CharterEngine.Failure.effectiveTooEarly {
            try await req.flash("error", req.t("charter.publish.badDate"))
        } catch CharterEngine.Failure.noteRequired {
            try await req.flash("error", req.t("charter.publish.noteRequired"))
        }
        return req.seeOther(.charterDesk(.edit))
    }

    // MARK: Versions

    struct VersionRow: Encodable, Sendable {
        let number: Int
        let status: String
        let effective: String
        let publishedBy: String
        let publishedAt: String
        let note: String
        let commitments: [String]
    }
    struct VersionsPage: Encodable, Sendable { let layout: LayoutContext; let versions: [VersionRow]; let back: String }

    func versions(req: Request) async throws -> View {
        let versions = try await CharterVersion.query(on: req.db).filter(\.$status != .draft).with(\.$commitments).sort(\.$number, .descending).all()
        return try await req.view.render("Charter/versions", VersionsPage(
            layout: await LayoutContext.make(for: req, title: req.t("charter.versions.title")),
            versions: versions.map { v in
                VersionRow(number: v.number, status: req.t("charter.status.\(v.status.rawValue)"),
                           effective: v.effective.map { MalaysianTime.longDate($0, in: req.language) } ?? "—",
                           publishedBy: v.publishedBy ?? "—", publishedAt: v.publishedAt.map { MalaysianTime.dateTime($0, in: req.language) } ?? "—",
                           note: v.changeNote,
                           commitments: v.commitments.sorted { $0.position < $1.position }.map { "\($0.text(in: req.language)) (\(CharterTable.standardText($0, req)), \($0.targetPercent) %)" })
            }, back: SiteURL.charterDesk(.achievement).path))
    }
}
