import Fluent
import Foundation
import LayanCore
import Vapor

/// The charter's next version (docs/charter.md): the draft edited, checked against PKPA's five qualities, published
/// from a day with what changed and why, and the versions with their reviews.
struct CharterEditorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let manager = routes.access(.staff(.manageCharter))
        manager.get(.charterDesk(.edit), use: editor)
        manager.post(.charterDesk(.edit), use: saveDraft)
        manager.post(.charterDesk(.publish), use: publish)
        routes.access(.staff(.viewCharter)).get(.charterDesk(.versions), use: versions)
    }

    typealias Choice = CharterDeskController.Choice

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
        let branches: [BranchInput]
        /// How many branches keep their own standard or target (shown on the closed list).
        let ownCount: Int
    }
    /// A branch's own standard and target for a commitment; blank keeps the charter's.
    struct BranchInput: Encodable, Sendable { let id: String; let name: String; let standard: String; let target: String }
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
        var branches: [String: BranchForm]?
    }
    struct BranchForm: Content { var standard: String?; var target: String? }
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
        let branches = try await Branch.query(on: req.db).sort(\.$code).all().map { ($0.id!, "\($0.code) — \($0.name)") }
        var rows = commitments.enumerated().map { i, c in
            editorRow(i, lineage: c.lineage.uuidString, draft: c.draft, subjects: subjects, branches: branches, req)
        }
        for i in rows.count..<(rows.count + Self.blankRows) {
            rows.append(editorRow(i, lineage: "", draft: CharterCommitmentDraft(textMS: "", textEN: "", metric: .counterWait, standard: nil, targetPercent: 90),
                                  subjects: subjects, branches: branches, req))
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

    private func editorRow(_ i: Int, lineage: String, draft: CharterCommitmentDraft, subjects: [(String, String)], branches: [(UUID, String)],
                           _ req: Request) -> EditorRow {
        EditorRow(index: i, number: i + 1, lineage: lineage, textMS: draft.textMS, textEN: draft.textEN,
                  metrics: CharterMetric.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == draft.metric) },
                  standard: draft.standard.map(String.init) ?? "",
                  units: [Choice(value: "", label: req.t("charter.edit.unitOfMetric"), selected: draft.manualUnit == nil)]
                      + CharterUnit.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == draft.manualUnit) },
                  target: "\(draft.targetPercent)",
                  subjects: subjects.map { Choice(value: $0.0, label: $0.1, selected: $0.0 == draft.subject) },
                  branches: branches.map { id, name in
                      let own = draft.branchStandards.first { $0.branchID == id }
                      return BranchInput(id: id.uuidString, name: name, standard: own?.standard.map(String.init) ?? "", target: own?.targetPercent.map(String.init) ?? "")
                  },
                  ownCount: draft.branchStandards.count)
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
                standard: Self.number(row.standard, blank: nil),
                manualUnit: row.unit.flatMap(CharterUnit.init(rawValue:)),
                targetPercent: Self.number(row.target, blank: nil) ?? 0, subject: subject,
                branchStandards: try await Self.branchStandards(row.branches ?? [:], on: req.db))))
        }
        try await CharterEngine(app: req.application).save(rows, note: String((form.note ?? "").trimmed.prefix(4000)))
        try await req.flash("success", req.t("charter.edit.saved"))
        return req.seeOther(.charterDesk(.edit))
    }

    /// A number typed in a box: blank is `blank`, anything else not a whole number is 0 (which the quality check
    /// names as not measurable), capped so a slip of the finger cannot overflow a sum.
    static func number(_ text: String?, blank: Int?) -> Int? {
        guard let text = text?.trimmed, !text.isEmpty else { return blank }
        return min(Int(text) ?? 0, 100_000)
    }

    /// The branches given their own standard or target; only known branches are kept.
    static func branchStandards(_ form: [String: BranchForm], on db: any Database) async throws -> [CharterBranchStandard] {
        let typed = form.compactMap { key, value -> CharterBranchStandard? in
            guard let id = UUID(uuidString: key) else { return nil }
            let own = CharterBranchStandard(branchID: id, standard: number(value.standard, blank: nil), targetPercent: number(value.target, blank: nil))
            return own.standard == nil && own.targetPercent == nil ? nil : own
        }
        guard !typed.isEmpty else { return [] }
        let known = Set(try await Branch.query(on: db).filter(\.$id ~~ typed.map(\.branchID)).all().compactMap(\.id))
        return typed.filter { known.contains($0.branchID) }.sorted { $0.branchID.uuidString < $1.branchID.uuidString }
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
        let names = try await Branch.byID(\.name, on: req.db)
        return try await req.view.render("Charter/versions", VersionsPage(
            layout: await LayoutContext.make(for: req, title: req.t("charter.versions.title")),
            versions: versions.map { v in
                VersionRow(number: v.number, status: req.t("charter.status.\(v.status.rawValue)"),
                           effective: v.effective.map { MalaysianTime.longDate($0, in: req.language) } ?? "—",
                           publishedBy: v.publishedBy ?? "—", publishedAt: v.publishedAt.map { MalaysianTime.dateTime($0, in: req.language) } ?? "—",
                           note: v.changeNote,
                           commitments: v.commitments.sorted { $0.position < $1.position }.map { c in
                               (["\(c.text(in: req.language)) (\(CharterTable.standardText(c, req)), \(c.targetPercent) %)"] + CharterTable.branchLines(c, names: names, req))
                                   .joined(separator: " · ")
                           })
            }, back: SiteURL.charterDesk(.achievement).path))
    }
}
