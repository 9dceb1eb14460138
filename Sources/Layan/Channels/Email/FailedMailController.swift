import Fluent
import Foundation
import LayanCore
import Vapor

/// E-mail that could not become a case (issue #17, item 2): the list of those waiting, each message with its
/// reason and what could be read of it, and three ways out — try it again (after the cause is fixed), file it by
/// hand, or set it aside with a note. The message itself can be downloaded as it arrived.
struct FailedMailController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let reader = routes.access(.staff(.viewCases))
        let officer = routes.access(.staff(.handleCases))
        reader.get(.channels(.failedMail), use: list)
        reader.get(.channels(.oneFailedMail(":id")), use: show)
        reader.get(.channels(.failedMailRaw(":id")), use: raw)
        officer.post(.channels(.retryFailedMail(":id")), use: retry)
        officer.post(.channels(.fileFailedMail(":id")), use: file)
        officer.post(.channels(.dismissFailedMail(":id")), use: dismiss)
    }

    struct Row: Encodable, Sendable {
        let href: String, at: String, sender: String?, subject: String?, reason: String, state: String, stateCode: String
        let caseReference: String?, caseHref: String?
    }
    struct ListPage: Encodable, Sendable { let layout: LayoutContext; let rows: [Row]; let showAll: Bool; let allHref: String; let waitingHref: String }
    struct OnePage: Encodable, Sendable {
        let layout: LayoutContext; let form: FormContext; let row: Row; let size: String; let headers: String; let text: String
        let waiting: Bool; let canHandle: Bool; let note: String?; let handledBy: String?; let handledAt: String?
        let rawHref: String; let retryAction: String; let fileAction: String; let dismissAction: String; let types: [Choice]
    }

    static let fileForm = FormFields(("type", "case.field.type"), ("email", "case.field.email"), ("name", "case.field.name"),
                                     ("subject", "case.field.subject"), ("details", "case.field.details"), ("note", "failedMail.note"))

    func list(req: Request) async throws -> View {
        let showAll = req.query[String.self, at: "all"] == "1"
        var query = FailedMail.query(on: req.db).sort(\.$receivedAt, .descending).limit(200)
            .field(\.$id).field(\.$receivedAt).field(\.$reason).field(\.$sender).field(\.$subject).field(\.$state).field(\.$caseRecord.$id)
        if !showAll { query = query.filter(\.$state == .waiting) }
        let failed = try await query.all()
        let references = try await Self.references(failed.compactMap { $0.$caseRecord.id }, on: req.db)
        return try await req.view.render("Channels/failedMail", ListPage(
            layout: await LayoutContext.make(for: req, title: req.t("failedMail.title")),
            rows: failed.map { Self.row($0, req, references) }, showAll: showAll,
            allHref: SiteURL.channels(.failedMail).path(["all": "1"]), waitingHref: SiteURL.channels(.failedMail).path))
    }

    func show(req: Request) async throws -> View {
        let failed = try await req.find(FailedMail.self)
        return try await req.view.render("Channels/failedMailOne", try await page(req, failed, form: try await req.form(values: Self.fileValues(failed))))
    }

    func raw(req: Request) async throws -> Response {
        let failed = try await req.find(FailedMail.self)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "message/rfc822")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"failed-\(failed.id!.uuidString.lowercased()).eml\"")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: failed.raw))
    }

    /// Runs the message through the intake again: once the cause is fixed (a branch set up, a reader improved) it goes
    /// where it should have gone; if it fails again, the reason is brought up to date.
    func retry(req: Request) async throws -> Response {
        let failed = try await req.find(FailedMail.self)
        guard failed.state == .waiting else { return req.seeOther(.channels(.oneFailedMail(failed.id!.uuidString))) }
        let outcome = try await MailIntake(db: req.db, app: req.application).take(Array(failed.raw))
        if case let .failed(reason, id) = outcome {
            // The new attempt kept its own copy; the old one stays the one staff work on.
            try await FailedMail.query(on: req.db).filter(\.$id == id).delete()
            failed.reason = String(reason.prefix(500))
            try await failed.save(on: req.db)
            try await req.flash("error", req.t("failedMail.stillFailing", ["reason": reason]))
            return req.seeOther(.channels(.oneFailedMail(failed.id!.uuidString)))
        }
        let taken = InboundMailController.taken(outcome)
        let caseID = try await taken.caseReference.asyncFlatMap { try await CaseRecord.query(on: req.db).filter(\.$reference == $0).first()?.id }
        try await handle(failed, state: .taken, caseID: caseID, note: taken.outcome, req)
        try await req.flash("success", req.t("failedMail.taken", ["outcome": req.t("intake.outcome.\(outcome.code)")]))
        return req.seeOther(.channels(.failedMail))
    }

    /// An officer reads the message and files the case it should have been.
    func file(req: Request) async throws -> Response {
        let failed = try await req.find(FailedMail.self)
        guard failed.state == .waiting else { return req.seeOther(.channels(.oneFailedMail(failed.id!.uuidString))) }
        var check = FormValidator(req)
        let type = check.choice("type", as: CaseType.self)
        let email = check.text("email", max: 254, required: false)
        let name = check.text("name", max: 200, required: false)
        let subject = check.text("subject", max: 200)
        let details = check.text("details", max: 5000)
        if let email, EmailAddress.normalised(email) == nil { check.fail("email", "form.error.email") }
        guard check.isValid, let type, let subject, let details else {
            return try await req.render("Channels/failedMailOne", try await page(req, failed, form: try await req.form(values: check.fields, errors: check.errors,
                                                                                                                 fields: Self.fileForm)),
                                        status: .unprocessableEntity)
        }
        let branch = try await ChannelBranch.find(req.application, on: req.db)
        let anonymous = email == nil
        let new = NewCase(type: type, channel: .email, subject: subject, details: details, anonymous: anonymous, name: anonymous ? nil : name ?? email,
                          email: email, contactBy: .email, branchID: try branch.requireID())
        let record = try await CaseEngine(request: req).create(new, by: req.caseActor)
        try await handle(failed, state: .filedByHand, caseID: record.id, note: nil, req)
        try await req.flash("success", req.t("cases.created", ["reference": record.reference]))
        return req.seeOther(CaseURL.staff(record))
    }

    func dismiss(req: Request) async throws -> Response {
        let failed = try await req.find(FailedMail.self)
        guard failed.state == .waiting else { return req.seeOther(.channels(.oneFailedMail(failed.id!.uuidString))) }
        var check = FormValidator(req)
        let note = check.text("note", max: 500)
        guard check.isValid, let note else {
            return try await req.render("Channels/failedMailOne", try await page(req, failed, form: try await req.form(
                values: Self.fileValues(failed).merging(check.fields) { $1 }, errors: check.errors, fields: Self.fileForm)), status: .unprocessableEntity)
        }
        try await handle(failed, state: .dismissed, caseID: nil, note: note, req)
        try await req.flash("success", req.t("failedMail.dismissed"))
        return req.seeOther(.channels(.failedMail))
    }

    private func handle(_ failed: FailedMail, state: FailedMail.State, caseID: UUID?, note: String?, _ req: Request) async throws {
        failed.state = state
        failed.$caseRecord.id = caseID
        failed.note = note
        failed.handledBy = req.staff?.name
        failed.handledAt = req.application.clock.now()
        try await failed.save(on: req.db)
    }

    private func page(_ req: Request, _ failed: FailedMail, form: FormContext) async throws -> OnePage {
        let raw = Array(failed.raw)
        let references = try await Self.references(failed.$caseRecord.id.map { [$0] } ?? [], on: req.db)
        let row = Self.row(failed, req, references)
        let id = failed.id!.uuidString
        // What a person can read of it: the headers and the start of the text, as text (the page escapes it).
        let split = raw.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A]) ?? raw.firstRange(of: [0x0A, 0x0A])
        let headerBytes = split.map { Array(raw[..<$0.lowerBound]) } ?? []
        let bodyBytes = split.map { Array(raw[$0.upperBound...]) } ?? raw
        return OnePage(
            layout: await LayoutContext.make(for: req, title: req.t("failedMail.one")), form: form, row: row,
            size: ByteCountFormatter.string(fromByteCount: Int64(raw.count), countStyle: .file),
            headers: MailText.cleaned(String(decoding: headerBytes.prefix(8000), as: UTF8.self)),
            text: MailText.cleaned(String(decoding: bodyBytes.prefix(20000), as: UTF8.self)),
            waiting: failed.state == .waiting, canHandle: req.staff?.allows(.handleCases) == true, note: failed.note, handledBy: failed.handledBy,
            handledAt: failed.handledAt.map { MalaysianTime.dateTime($0, in: req.language) },
            rawHref: SiteURL.channels(.failedMailRaw(id)).path, retryAction: SiteURL.channels(.retryFailedMail(id)).path,
            fileAction: SiteURL.channels(.fileFailedMail(id)).path, dismissAction: SiteURL.channels(.dismissFailedMail(id)).path,
            types: CaseType.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: form.values["type"] == $0.rawValue) })
    }

    private static func fileValues(_ failed: FailedMail) -> [String: String] {
        let raw = Array(failed.raw)
        let text = (try? InboundMail.parse(raw)).map(\.text) ?? ""
        return ["type": CaseType.complaint.rawValue, "email": failed.sender.flatMap(EmailAddress.normalised) ?? "", "subject": failed.subject ?? "",
                "details": String(text.prefix(5000))]
    }

    private static func row(_ failed: FailedMail, _ req: Request, _ references: [UUID: String]) -> Row {
        Row(href: SiteURL.channels(.oneFailedMail(failed.id!.uuidString)).path, at: MalaysianTime.dateTime(failed.receivedAt, in: req.language),
            sender: failed.sender, subject: failed.subject, reason: failed.reason, state: req.t(failed.state.catalogueKey), stateCode: failed.state.rawValue,
            caseReference: failed.$caseRecord.id.flatMap { references[$0] }, caseHref: failed.$caseRecord.id.map { SiteURL.cases(.show($0.uuidString)).path })
    }

    private static func references(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await CaseRecord.query(on: db).filter(\.$id ~~ ids).field(\.$id).field(\.$reference).all()
            .map { ($0.id!, $0.reference) })
    }
}
