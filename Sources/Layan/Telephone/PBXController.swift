import Fluent
import Foundation
import LayanCore
import Vapor

/// The PBX side of the standard (PKPA 1/2008, telephone rules 1, 3 and 4): the `queues.conf` and `features.conf`
/// that carry it out, the prompts to record, the check of the agency's own files, and the standard itself.
struct PBXController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let supervisor = routes.access(.staff(.superviseTelephone))
        supervisor.get(.telephone(.pbx), use: page)
        supervisor.upload(.telephone(.pbx), megabytes: 2, use: check)
        supervisor.get(.telephone(.settings), use: settingsPage)
        supervisor.post(.telephone(.settings), use: saveSettings)
    }

    struct Finding: Encodable, Sendable { let file: String; let section: String; let line: Int; let rule: Int; let ruleText: String; let problem: String; let found: String?; let fix: String }
    struct Page: Encodable, Sendable {
        let layout: LayoutContext; let csrf: String; let action: String; let queuesConf: String; let featuresConf: String
        let prompts: [PBXConfiguration.Prompt]; let checked: Bool; let findings: [Finding]; let queuesText: String; let featuresText: String
        let settingsHref: String
    }

    private func render(_ req: Request, checked: Bool, findings: [PBXFinding], queues: String, features: String, status: HTTPResponseStatus = .ok) async throws -> Response {
        let settings = try await TelephoneSettings.current(on: req.db)
        let agency = try await Agency.query(on: req.db).first()?.nameMs ?? "Layan"
        return try await req.render("Telephone/pbx", Page(
            layout: await LayoutContext.make(for: req, title: req.t("telephone.pbx.title")), csrf: try await req.csrfToken(), action: SiteURL.telephone(.pbx).path,
            queuesConf: PBXConfiguration.queuesConf(queues: settings.queues, standard: settings.standard, agency: agency),
            featuresConf: PBXConfiguration.featuresConf(standard: settings.standard), prompts: PBXConfiguration.prompts, checked: checked,
            findings: findings.map { Finding(file: $0.file.rawValue, section: $0.section, line: $0.line, rule: $0.rule, ruleText: req.t("telephone.rule.\($0.rule)"),
                                             problem: req.t($0.problemKey, ["seconds": "\(settings.answerWithinSeconds)", "every": "\(settings.announceEverySeconds)"]),
                                             found: $0.found, fix: $0.fix) },
            queuesText: queues, featuresText: features, settingsHref: SiteURL.telephone(.settings).path), status: status)
    }

    func page(req: Request) async throws -> Response { try await render(req, checked: false, findings: [], queues: "", features: "") }

    struct CheckForm: Content { var queues: String?; var features: String?; var queuesFile: File?; var featuresFile: File? }

    func check(req: Request) async throws -> Response {
        let form = (try? req.content.decode(CheckForm.self)) ?? CheckForm()
        func text(_ typed: String?, _ file: File?) -> String? {
            if let file, file.data.readableBytes > 0 { return String(decoding: file.data.readableBytesView, as: UTF8.self) }
            return typed?.trimmed.nilIfEmpty
        }
        let queues = text(form.queues, form.queuesFile), features = text(form.features, form.featuresFile)
        guard queues != nil || features != nil else {
            try await req.flash("error", req.t("telephone.pbx.nothing"))
            return req.seeOther(.telephone(.pbx))
        }
        let standard = try await TelephoneSettings.current(on: req.db).standard
        return try await render(req, checked: true, findings: PBXConfiguration.check(queues: queues, features: features, standard: standard),
                                queues: queues ?? "", features: features ?? "")
    }

    static let settingsForm = FormFields(("answerWithinSeconds", "telephone.settings.within"), ("formula", "telephone.settings.formula"),
                                         ("shortAbandonSeconds", "telephone.settings.shortAbandon"), ("targetPercent", "telephone.settings.target"),
                                         ("announceEverySeconds", "telephone.settings.announce"), ("messageReturnWorkingDays", "telephone.settings.messageDays"),
                                         ("queues", "telephone.settings.queues"))

    struct SettingsPage: Encodable, Sendable { let layout: LayoutContext; let form: FormContext; let formulas: [Choice]; let action: String }

    private func settingsContext(_ req: Request, form: FormContext) async throws -> SettingsPage {
        SettingsPage(layout: await LayoutContext.make(for: req, title: req.t("telephone.settings.title")), form: form,
                     formulas: ServiceLevelFormula.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: form.values["formula"] == $0.rawValue) },
                     action: SiteURL.telephone(.settings).path)
    }

    func settingsPage(req: Request) async throws -> View {
        let s = try await TelephoneSettings.current(on: req.db)
        let values = ["answerWithinSeconds": "\(s.answerWithinSeconds)", "formula": s.formula.rawValue, "shortAbandonSeconds": "\(s.shortAbandonSeconds)",
                      "targetPercent": "\(s.targetPercent)", "announceEverySeconds": "\(s.announceEverySeconds)",
                      "messageReturnWorkingDays": "\(s.messageReturnWorkingDays)", "queues": s.queues.joined(separator: ", ")]
        return try await req.view.render("Telephone/settings", try await settingsContext(req, form: try await req.form(values: values)))
    }

    func saveSettings(req: Request) async throws -> Response {
        let fields = req.formFields()
        var check = FormValidator(req, fields: fields)
        func number(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = Int(fields[name]?.trimmed ?? ""), range.contains(value) else {
                check.fail(name, "telephone.settings.error.range", ["min": "\(range.lowerBound)", "max": "\(range.upperBound)"]); return nil
            }
            return value
        }
        let within = number("answerWithinSeconds", 1...120), short = number("shortAbandonSeconds", 0...60), target = number("targetPercent", 1...100)
        let announce = number("announceEverySeconds", 5...300), days = number("messageReturnWorkingDays", 1...10)
        let formula = check.choice("formula", as: ServiceLevelFormula.self)
        let queues = (fields["queues"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        if queues.isEmpty || queues.contains(where: { $0.count > 80 || !$0.allSatisfy { $0.isLetter || $0.isNumber || "-_".contains($0) } }) {
            check.fail("queues", "telephone.settings.error.queues")
        }
        guard check.isValid, let within, let short, let target, let announce, let days, let formula else {
            return try await req.render("Telephone/settings", try await settingsContext(req, form: try await req.form(values: fields, errors: check.errors, fields: Self.settingsForm)),
                                        status: .unprocessableEntity)
        }
        let row = try await TelephoneSettings.current(on: req.db)
        row.answerWithinSeconds = within; row.shortAbandonSeconds = short; row.targetPercent = target; row.announceEverySeconds = announce
        row.messageReturnWorkingDays = days; row.formula = formula; row.queues = queues
        try await req.db.writeTransaction { db in try await row.saveCountingAgain(on: db) }
        try await req.flash("success", req.t("telephone.settings.saved"))
        return req.seeOther(.telephone(.settings))
    }
}
