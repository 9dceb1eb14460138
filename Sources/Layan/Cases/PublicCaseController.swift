import Fluent
import LayanCore
import Vapor

/// The public portal (no sign-in): file a case and get its reference; check its status with the reference and
/// the e-mail or phone given, or the secret link from the acknowledgement; add information; confirm or reopen.
struct PublicCaseController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.cases(.portal), use: start)
        open.get(.cases(.newPublic), use: newCase)
        open.upload(.cases(.newPublic), megabytes: 27, use: submit)
        open.get(.cases(.lookUp), use: lookupPage)
        open.post(.cases(.lookUp), use: lookup)
        open.get(.cases(.status(":caseID")), use: status)
        open.upload(.cases(.addInformation(":caseID")), megabytes: 27, use: addInformation)
        open.post(.cases(.confirm(":caseID")), use: confirm)
        open.post(.cases(.reopen(":caseID")), use: reopen)
    }

    struct StartPage: Encodable, Sendable {
        let layout: LayoutContext
        let types: [Choice]
        let newHref: String
        let lookupHref: String
    }

    func start(req: Request) async throws -> View {
        try await req.view.render("Cases/start", StartPage(
            layout: await LayoutContext.make(for: req, title: req.t("portal.title")),
            types: CaseType.allCases.map { Choice(value: SiteURL.cases(.newPublic).path(["type": $0.rawValue]), label: req.t($0.catalogueKey), selected: false) },
            newHref: SiteURL.cases(.newPublic).path, lookupHref: SiteURL.cases(.lookUp).path))
    }

    struct FormPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let choices: CaseFormChoices
        let action: String
        let staffEntry: Bool
        let heading: String
    }

    func newCase(req: Request) async throws -> Response {
        let type = req.query[String.self, at: "type"].flatMap(CaseType.init(rawValue:))
        // An inquiry starts with the public knowledge base: the answer may already be there (issue #5, item 8).
        if type == .inquiry && req.query[String.self, at: "searched"] != "1" {
            return req.redirect(to: SiteURL.cases(.help).path(["from": "inquiry"]))
        }
        var values: [String: String] = ["language": req.language.rawValue]
        if let type { values["type"] = type.rawValue }
        if let subject = req.query[String.self, at: "subject"] { values["subject"] = String(subject.prefix(200)) }
        // Opened from a paper form's QR code: its branch chosen, its serial carried along (issue #17, item 4).
        if let code = req.query[String.self, at: "cawangan"], code.count <= 20,
           let branch = try await Branch.query(on: req.db).filter(\.$code == code.uppercased()).first() {
            values["branch"] = branch.id!.uuidString
            if let serial = req.query[String.self, at: "borang"], serial.count <= 30 { values["formSerial"] = serial }
        }
        return try await req.view.render("Cases/form", try await formPage(req, form: try await req.form(values: values))).encodeResponse(for: req)
    }

    private func formPage(_ req: Request, form: FormContext) async throws -> FormPage {
        FormPage(layout: await LayoutContext.make(for: req, title: req.t("portal.new.title")), form: form,
                 choices: try await CaseFormChoices.make(req, values: form.values, channels: []), action: SiteURL.cases(.newPublic).path, staffEntry: false,
                 heading: req.t("portal.new.title"))
    }

    func submit(req: Request) async throws -> Response {
        try await RateLimit.caseSubmission.check(req)
        let input = CaseFormInput.read(req)
        if !(input.website ?? "").isEmpty { throw Abort(.unprocessableEntity, reason: req.t("portal.error.robot")) }
        switch try await input.newCase(defaultChannel: .web, allowedChannels: [], language: req.language, on: req.db) {
        case let .failure(invalid):
            let form = try await req.form(values: input.values, errors: invalid.messages(req), fields: CaseFormInput.publicForm)
            return try await req.render("Cases/form", try await formPage(req, form: form), status: .unprocessableEntity)
        case let .success(new):
            let record = try await CaseEngine(request: req).create(new, by: .customer)
            return req.seeOther(CaseURL.publicStatus(record) + "&received=1")
        }
    }

    struct LookupPage: Encodable, Sendable { let layout: LayoutContext; let form: FormContext; let failed: Bool }

    func lookupPage(req: Request) async throws -> View {
        try await req.view.render("Cases/lookup", LookupPage(layout: await LayoutContext.make(for: req, title: req.t("portal.lookup.title")),
                                                               form: try await req.form(), failed: false))
    }

    /// Same answer for an unknown reference and a wrong contact, so neither can be probed; rate limited.
    func lookup(req: Request) async throws -> Response {
        try await RateLimit.caseLookup.check(req)
        let fields = req.formFields()
        do {
            let record = try await PublicCaseLookup.find(reference: fields["reference"] ?? "", contact: fields["contact"], key: nil, on: req.db)
            return req.seeOther(CaseURL.publicStatus(record))
        } catch CaseError.notFoundForContact {
            let form = try await req.form(values: ["reference": fields["reference"] ?? "", "contact": fields["contact"] ?? ""],
                                          errors: ["reference": req.t("case.error.notFoundForContact")], order: ["reference", "contact"])
            return try await req.render("Cases/lookup", LookupPage(layout: await LayoutContext.make(for: req, title: req.t("portal.lookup.title")),
                                                                   form: form, failed: true), status: .notFound)
        }
    }

    struct Entry: Encodable, Sendable { let at: String; let status: String?; let message: String?; let fromCustomer: Bool; let fromAgency: Bool }

    struct StatusPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let reference: String
        let type: String
        let subject: String
        let status: String
        let statusCode: String
        let received: String
        let resolveDue: String?
        let rejectionReason: String?
        let referTo: String?
        let timeline: [Entry]
        let replyAction: String
        let confirmAction: String
        let reopenAction: String
        let canReply: Bool
        let canConfirm: Bool
        let canReopen: Bool
        let waitingForYou: Bool
    }

    /// The case from the secret link; anything else is a plain 404.
    private func keyed(_ req: Request) async throws -> CaseRecord {
        guard let id = req.parameters.get("caseID", as: UUID.self), let record = try await CaseRecord.find(id, on: req.db),
              let key = req.query[String.self, at: "k"] ?? (try? req.content.get(String.self, at: "k")),
              CSRFMiddleware.constantTimeEqual(key, record.publicKey) else { throw CaseError.unknownCase }
        return record
    }

    func status(req: Request) async throws -> Response {
        let record = try await keyed(req)
        let response = req.query[String.self, at: "received"] == "1"
            ? try await req.view.render("Cases/received", try await receivedPage(req, record)).encodeResponse(for: req)
            : try await req.view.render("Cases/status", try await statusPage(req, record, form: try await req.form())).encodeResponse(for: req)
        // The customer's own case: not to be kept by a shared computer's browser or a proxy.
        response.headers.doNotStore()
        return response
    }

    struct ReceivedPage: Encodable, Sendable {
        let layout: LayoutContext
        let reference: String
        let type: String
        let subject: String
        let received: String
        let acknowledgeDue: String
        let resolveDue: String
        /// Where the acknowledgement went (masked), and whether it has left yet; nil when the customer left no contact.
        let acknowledgement: String?
        let statusHref: String
        let lookupHref: String
    }

    /// The confirmation a customer sees once their case is filed: the reference, large, the dates promised
    /// (PKPA 1/2008: acknowledged and resolved within the charter's days), what happens next, and where the
    /// acknowledgement was sent.
    private func receivedPage(_ req: Request, _ record: CaseRecord) async throws -> ReceivedPage {
        let language = req.language
        var acknowledgement: String?
        if let (channel, recipient) = CaseNotifier.route(record) {
            let sent = try await OutboxMessage.query(on: req.db).filter(\.$caseID == record.id).filter(\.$state == .sent).count() > 0
            let key = "portal.received.\(channel == .email ? "email" : "sms")\(sent ? "Sent" : "Queued")"
            acknowledgement = req.t(key, ["to": channel == .email ? ContactMask.email(recipient) : ContactMask.phone(recipient)])
        }
        return ReceivedPage(
            layout: await LayoutContext.make(for: req, title: req.t("portal.received.title")), reference: record.reference,
            type: req.t(record.type.catalogueKey), subject: record.subject, received: MalaysianTime.dateTime(record.receivedAt, in: language),
            acknowledgeDue: MalaysianTime.longDate(iso: record.acknowledgeDue, in: language),
            resolveDue: MalaysianTime.longDate(iso: record.resolveDue, in: language),
            acknowledgement: acknowledgement, statusHref: CaseURL.publicStatus(record), lookupHref: SiteURL.cases(.lookUp).path)
    }

    private func statusPage(_ req: Request, _ record: CaseRecord, form: FormContext) async throws -> StatusPage {
        let dto = try await PublicCaseDTO.make(record, on: req.db, catalogue: req.application.catalogue, language: req.language)
        let today = LocalDate(req.application.clock.now())
        let finished = record.resolvedAt ?? record.closedAt
        let id = record.id!.uuidString, key = ["k": record.publicKey] as KeyValuePairs
        return StatusPage(
            layout: await LayoutContext.make(for: req, title: record.reference), form: form, reference: record.reference,
            type: req.t(record.type.catalogueKey), subject: record.subject, status: dto.statusText, statusCode: record.status.rawValue,
            received: MalaysianTime.dateTime(record.receivedAt, in: req.language),
            resolveDue: dto.resolveDue.flatMap { LocalDate($0) }.map { MalaysianTime.longDate($0, in: req.language) },
            rejectionReason: record.rejectionReason, referTo: record.referTo,
            timeline: dto.timeline.map { Entry(at: MalaysianTime.dateTime($0.at, in: req.language), status: $0.statusText, message: $0.message, fromCustomer: $0.fromCustomer,
                                               fromAgency: $0.fromAgency) },
            replyAction: SiteURL.cases(.addInformation(id)).path(key), confirmAction: SiteURL.cases(.confirm(id)).path(key),
            reopenAction: SiteURL.cases(.reopen(id)).path(key),
            canReply: ![.closed, .rejected, .duplicate].contains(record.status), canConfirm: record.status == .resolved,
            canReopen: [.resolved, .closed].contains(record.status) && finished.map { req.application.settings.reopenPolicy.mayReopen(resolvedOn: LocalDate($0), today: today) } == true,
            waitingForYou: record.status == .pendingCustomer)
    }

    struct ReplyForm: Content { var message: String?; var attachments: [File]? }

    func addInformation(req: Request) async throws -> Response {
        try await RateLimit.caseReply.check(req)
        let record = try await keyed(req)
        let form = (try? req.content.decode(ReplyForm.self)) ?? ReplyForm()
        let files = NewAttachment.from(form.attachments)
        do {
            _ = try await CaseEngine(request: req).addMessage(record.requireID(), body: form.message ?? "", isPublic: true, attachments: files, by: .customer)
        } catch let invalid as CaseInvalid {
            let context = try await req.form(values: ["message": form.message ?? ""], errors: invalid.messages(req).mapKeys { $0 == "body" ? "message" : $0 },
                                             fields: FormFields(("message", "portal.reply.message"), ("attachments", "case.field.attachments")))
            return try await req.render("Cases/status", try await statusPage(req, record, form: context), status: .unprocessableEntity)
        }
        try await req.flash("success", req.t("portal.replySent"))
        return req.seeOther(CaseURL.publicStatus(record))
    }

    func confirm(req: Request) async throws -> Response {
        let record = try await keyed(req)
        _ = try await CaseEngine(request: req).transition(record.requireID(), .close, details: .init(), by: .customer)
        try await req.flash("success", req.t("portal.thanks"))
        return req.seeOther(CaseURL.publicStatus(record))
    }

    func reopen(req: Request) async throws -> Response {
        let record = try await keyed(req)
        let note = req.formFields()["reason"]
        _ = try await CaseEngine(request: req).transition(record.requireID(), .reopen, details: .init(note: note), by: .customer)
        try await req.flash("success", req.t("portal.reopened"))
        return req.seeOther(CaseURL.publicStatus(record))
    }
}

extension Dictionary {
    func mapKeys(_ transform: (Key) -> Key) -> [Key: Value] { Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) }) }
}
