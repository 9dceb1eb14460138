import Fluent
import LayanCore
import Vapor

/// The officers' side: my cases and the team queue (filters, paging), filing a case from a counter form or a
/// call, and the case page with its timeline, actions, replies and deliveries.
struct CaseStaffController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let officer = routes.access(.staff(.handleCases))
        let reader = routes.access(.staff(.viewCases))
        reader.get(.cases(.list), use: list)
        officer.get(.cases(.new), use: newCase)
        officer.upload(.cases(.new), megabytes: 27, use: create)
        reader.get(.cases(.show(":caseID")), use: show)
        officer.post(.cases(.transition(":caseID")), use: transition)
        officer.upload(.cases(.message(":caseID")), megabytes: 27, use: message)
        reader.get(.cases(.attachment(":caseID", ":attachmentID")), use: attachment)
        officer.post(.cases(.take(":caseID")), use: take)
        routes.access(.staff(.superviseCases)).post(.cases(.assign(":caseID")), use: assign)
        officer.post(.cases(.revealIdentity(":caseID")), use: revealIdentity)
    }

    struct Row: Encodable, Sendable {
        let href: String; let reference: String; let type: String; let status: String; let subject: String
        let received: String; let due: String; let overdue: Bool; let assignee: String
    }

    struct ListPage: Encodable, Sendable {
        let layout: LayoutContext
        let mine: Bool
        let rows: [Row]
        let types: [Choice]; let statuses: [Choice]; let categories: [Choice]; let branches: [Choice]; let channels: [Choice]; let dues: [Choice]
        let next: String?
        let mineHref: String; let teamHref: String; let newHref: String; let dutyHref: String?
        /// Management viewers read the lists; the links to act are for those who handle cases.
        let canHandle: Bool
        let uncoveredDays: [String]
    }

    func list(req: Request) async throws -> View {
        let q = req.query
        func pick<T: RawRepresentable>(_ name: String, _ type: T.Type) -> T? where T.RawValue == String { q[String.self, at: name].flatMap(T.init(rawValue:)) }
        var filter = CaseList.Filter()
        let mine = q[String.self, at: "mine"] == "1"
        if mine { filter.assigneeID = req.staff?.id; filter.openOnly = true }
        filter.type = pick("type", CaseType.self)
        filter.status = pick("status", CaseStatus.self)
        filter.channel = pick("channel", CaseChannel.self)
        filter.due = pick("due", CaseList.Due.self)
        filter.categoryID = q[String.self, at: "category"].flatMap(UUID.init(uuidString:))
        filter.branchID = q[String.self, at: "branch"].flatMap(UUID.init(uuidString:))
        filter.after = q[String.self, at: "after"].flatMap(CaseList.Cursor.init(token:))
        filter.limit = 25
        try filter.keep(within: req.recordScope, officer: req.staff?.id)
        let now = req.application.clock.now()
        let today = LocalDate(now)
        let supervises = req.staff?.allows(.superviseCases) == true
        let calendar = try await req.application.calendarService.calendar(on: req.db, now: now)
        let found = try await CaseListPage.query(filter, today: today, calendar: calendar, withCoverage: supervises, on: req.db)
        let (page, names, categories, branches) = (found.page, found.assigneeNames, found.categories, found.branches)
        let rows = page.rows.map { row in
            Row(href: CaseURL.staff(row.id), reference: row.reference, type: req.t(row.type.catalogueKey), status: req.t(row.status.catalogueKey),
                subject: row.subject, received: MalaysianTime.dateTime(row.received_at, in: req.language),
                due: MalaysianTime.longDate(iso: row.resolve_due, in: req.language),
                overdue: row.status.isOpen && row.resolve_due < today.iso, assignee: row.assigned_to.flatMap { names[$0] } ?? "—")
        }
        let chosen = { (name: String, value: String) in q[String.self, at: name] == value }
        var nextHref: String?
        if let next = page.next {
            var components = URLComponents(string: req.url.string) ?? URLComponents()
            components.queryItems = (components.queryItems ?? []).filter { $0.name != "after" } + [URLQueryItem(name: "after", value: next.token)]
            nextHref = components.string
        }
        let uncovered = found.uncovered.map { "\($0.branch): \(MalaysianTime.longDate($0.day, in: req.language))" }
        return try await req.view.render("Cases/list", ListPage(
            layout: await LayoutContext.make(for: req, title: req.t(mine ? "cases.mine" : "cases.team")), mine: mine, rows: rows,
            types: CaseType.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: chosen("type", $0.rawValue)) },
            statuses: CaseStatus.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: chosen("status", $0.rawValue)) },
            categories: categories.map { Choice(value: $0.id!.uuidString, label: $0.name(in: req.language), selected: chosen("category", $0.id!.uuidString)) },
            branches: branches.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: chosen("branch", $0.id!.uuidString)) },
            channels: CaseChannel.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: chosen("channel", $0.rawValue)) },
            dues: [CaseList.Due.today, .overdue].map { Choice(value: $0.rawValue, label: req.t("cases.due.\($0.rawValue)"), selected: chosen("due", $0.rawValue)) },
            next: nextHref, mineHref: SiteURL.cases(.list).path(["mine": "1"]), teamHref: SiteURL.cases(.list).path,
            newHref: SiteURL.cases(.new).path, dutyHref: supervises ? SiteURL.cases(.duty).path : nil,
            canHandle: req.staff?.allows(.handleCases) == true, uncoveredDays: uncovered))
    }

    // MARK: filing for a customer

    func newCase(req: Request) async throws -> View {
        // The channel the officer most likely takes cases on: the telephone desk's calls, else the counter's forms.
        let channel: CaseChannel = req.staff?.roles.contains(.telephoneOperator) == true ? .phone : .counterForm
        var values = ["language": "ms", "channel": channel.rawValue, "type": "complaint"]
        // The operator console hands over a call that raised a complaint or an inquiry: channel, type, number, subject.
        for name in ["channel", "type", "phone", "subject"] {
            if let value = req.query[String.self, at: name]?.trimmed, !value.isEmpty, value.count <= 200 { values[name] = value }
        }
        return try await req.view.render("Cases/form", try await formPage(req, form: try await req.form(values: values)))
    }

    private func formPage(_ req: Request, form: FormContext) async throws -> PublicCaseController.FormPage {
        PublicCaseController.FormPage(layout: await LayoutContext.make(for: req, title: req.t("cases.new")), form: form,
                                      choices: try await CaseFormChoices.make(req, values: form.values, channels: CaseChannel.staffEntered),
                                      action: SiteURL.cases(.new).path, staffEntry: true, heading: req.t("cases.new"))
    }

    func create(req: Request) async throws -> Response {
        let input = CaseFormInput.read(req)
        switch try await input.newCase(defaultChannel: .counterForm, allowedChannels: CaseChannel.staffEntered, language: .ms, on: req.db) {
        case let .failure(invalid):
            let form = try await req.form(values: input.values, errors: invalid.messages(req), fields: CaseFormInput.staffForm)
            return try await req.render("Cases/form", try await formPage(req, form: form), status: .unprocessableEntity)
        case let .success(new):
            let record = try await CaseEngine(request: req).create(new, by: req.caseActor)
            try await req.flash("success", req.t("cases.created", ["reference": record.reference]))
            return req.seeOther(CaseURL.staff(record))
        }
    }

    // MARK: the case page

    struct TimelineRow: Encodable, Sendable { let at: String; let what: String; let who: String; let body: String?; let isInternal: Bool }
    struct Delivery: Encodable, Sendable { let channel: String; let recipient: String; let state: String; let attempts: Int; let error: String?; let subject: String }
    struct FileRow: Encodable, Sendable { let name: String; let href: String; let size: String }
    struct Canned: Encodable, Sendable { let id: String; let title: String; let text: String }

    struct CasePage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let reference: String; let type: String; let status: String; let statusCode: String; let channel: String; let category: String?
        let subject: String; let details: String; let branch: String; let service: String?
        let anonymous: Bool; let customerName: String?; let customerEmail: String?; let customerPhone: String?; let idDocument: String?
        /// Where "show the full number" posts; nil once shown, or when there is no number.
        let revealIdentityAction: String?
        let language: String; let contactBy: String; let onBehalfOf: String?; let consentGiven: Bool
        let assignee: String?; let received: String; let acknowledgeDue: String; let resolveDue: String; let paused: Bool
        let acknowledgeMet: Bool?; let resolveMet: Bool?; let overdue: Bool; let escalated: Bool
        let rejectionReason: String?; let referTo: String?
        /// What the channel brought beside the text (an Open311 request's place, photo and answers).
        let channelDetails: [ChannelDetail]
        let actions: [Choice]; let timeline: [TimelineRow]; let deliveries: [Delivery]; let files: [FileRow]
        let transitionAction: String; let messageAction: String; let assignAction: String?; let officers: [Choice]; let recoveryHref: String?
        let canned: [Canned]; let articles: [Choice]
        /// The officer handles cases (management viewers only read them).
        let canHandle: Bool
        /// The officer answers for this case (`CaseStewardship`): status changes and replies are offered.
        let canAct: Bool
        /// "Assign to me", for a handler who is not the case's steward.
        let takeAction: String?
    }

    func show(req: Request) async throws -> View {
        let record = try await req.caseRecord()
        // Every view of a customer's personal data goes in the audit trail (accounts issue, item on personal data).
        try await Audit.record(.viewPersonalData, entity: "case", id: record.id?.uuidString, by: req)
        return try await req.view.render("Cases/case", try await casePage(req, record, form: try await req.form()))
    }

    /// The case page with the identity number in full, on the officer's explicit request, recorded on the audit trail
    /// (issue 15, item 5: masked by default).
    func revealIdentity(req: Request) async throws -> View {
        let record = try await req.caseRecord()
        try await Audit.record(.revealIdentityNumber, entity: "case", id: record.id?.uuidString, by: req)
        return try await req.view.render("Cases/case", try await casePage(req, record, form: try await req.form(), revealIdentity: true))
    }

    private func casePage(_ req: Request, _ record: CaseRecord, form: FormContext, revealIdentity: Bool = false) async throws -> CasePage {
        let id = try record.requireID()
        let branch = try await record.$branch.get(on: req.db)
        let category = try await record.$category.get(on: req.db)
        let assignee = try await record.$assignee.get(on: req.db)
        let events = try await CaseEvent.query(on: req.db).filter(\.$caseRecord.$id == id).sort(\.$at).all()
        let deliveries = try await OutboxMessage.query(on: req.db).filter(\.$caseID == id).sort(\.$createdAt).all()
        let canHandle = req.staff?.allows(.handleCases) == true
        let canAct = canHandle && req.staff.map { req.mayAct(on: record, $0) } == true
        let files = try await CaseAttachment.query(on: req.db).filter(\.$caseRecord.$id == id).field(\.$id).field(\.$fileName).field(\.$size).field(\.$caseRecord.$id).all()
        let today = LocalDate(req.application.clock.now())
        func date(_ iso: String) -> String { MalaysianTime.longDate(iso: iso, in: req.language) }
        let timeline = events.map { event -> TimelineRow in
            let what: String = switch event.kind {
            case .transition: event.toStatus.map { req.t($0.catalogueKey) } ?? ""
            case .received: req.t("cases.event.received")
            case .publicReply: req.t("cases.event.publicReply")
            case .internalNote: req.t("cases.event.internalNote")
            case .customerMessage: req.t("cases.event.customerMessage")
            case .assigned: req.t("cases.event.assigned")
            case .reminder: req.t("cases.event.reminder")
            case .escalated: req.t("cases.event.escalated")
            case .recovery: req.t("cases.event.recovery")
            }
            let who = event.kind == .customerMessage ? req.t("cases.customer") : event.actorName.isEmpty ? "Layan" : event.actorName
            let body: String? = switch event.kind {
            case .assigned where UUID(uuidString: event.body ?? "") != nil: nil  // the duty officer's id, shown as the assignee above
            case .escalated: req.t(event.body == "acknowledge" ? "cases.escalated.acknowledge" : "cases.escalated.resolve")
            default: event.body
            }
            return TimelineRow(at: MalaysianTime.dateTime(event.at, in: req.language), what: what, who: who, body: body, isInternal: !event.isPublic)
        }
        let supervises = req.staff?.allows(.superviseCases) == true
        let officers = supervises ? try await Staff.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
            .filter { $0.roles.allow(.handleCases) }
            .map { Choice(value: $0.id!.uuidString, label: $0.name, selected: $0.id == record.$assignee.id) } : []
        return CasePage(
            layout: await LayoutContext.make(for: req, title: record.reference), form: form,
            reference: record.reference, type: req.t(record.type.catalogueKey), status: req.t(record.status.catalogueKey), statusCode: record.status.rawValue,
            channel: req.t(record.channel.catalogueKey), category: category?.name(in: req.language), subject: record.subject, details: record.details,
            branch: branch.name, service: record.serviceConcerned, anonymous: record.anonymous, customerName: record.customerName,
            customerEmail: record.customerEmail, customerPhone: record.customerPhone,
            idDocument: record.identityNumber(req.application.personalDataCipher, revealed: revealIdentity),
            revealIdentityAction: revealIdentity || record.customerIDDocument == nil ? nil : SiteURL.cases(.revealIdentity(id.uuidString)).path,
            language: record.language.endonym, contactBy: req.t(record.contactBy.catalogueKey), onBehalfOf: record.onBehalfOf, consentGiven: record.consentGiven,
            assignee: assignee?.name, received: MalaysianTime.dateTime(record.receivedAt, in: req.language),
            acknowledgeDue: date(record.acknowledgeDue), resolveDue: date(record.resolveDue), paused: record.pausedSince != nil,
            acknowledgeMet: record.acknowledgeMet, resolveMet: record.resolveMet,
            overdue: record.status.isOpen && record.resolveDue < today.iso, escalated: record.escalatedAt != nil,
            rejectionReason: record.rejectionReason, referTo: record.referTo,
            channelDetails: try await ChannelDetails.of(record, for: req),
            actions: CaseLifecycle.staffActions(from: record.status).map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: false) },
            timeline: timeline,
            deliveries: deliveries.map { Delivery(channel: req.t("case.contact.\($0.channel.rawValue)"), recipient: $0.recipient,
                                                  state: req.t("outbox.state.\($0.state.rawValue)"), attempts: $0.attempts, error: $0.problemKey.map { req.t($0) }, subject: $0.subject) },
            files: files.map { FileRow(name: $0.fileName, href: SiteURL.cases(.attachment(id.uuidString, $0.id!.uuidString)).path, size: "\(max(1, $0.size / 1024)) KB") },
            transitionAction: SiteURL.cases(.transition(id.uuidString)).path, messageAction: SiteURL.cases(.message(id.uuidString)).path,
            assignAction: supervises ? SiteURL.cases(.assign(id.uuidString)).path : nil, officers: officers,
            recoveryHref: record.type == .complaint ? SiteURL.cases(.recoveryForCase(id.uuidString)).path : nil,
            canned: try await KnowledgeArticle.query(on: req.db).filter(\.$kind == .cannedReply).filter(\.$active == true).sort(\.$titleMs).all()
                .map { Canned(id: $0.id!.uuidString, title: $0.title(in: req.language), text: $0.body(in: record.language)) },
            articles: try await KnowledgeArticle.query(on: req.db).filter(\.$kind == .article).filter(\.$isPublic == true).filter(\.$active == true)
                .sort(\.$titleMs).all().map { Choice(value: $0.id!.uuidString, label: $0.title(in: req.language), selected: false) },
            canHandle: canHandle, canAct: canAct,
            takeAction: canHandle && record.$assignee.id != req.staff?.id && record.status.isOpen ? SiteURL.cases(.take(id.uuidString)).path : nil)
    }

    /// Re-shows the case page with the form's problems when an action is refused, so nothing typed is lost.
    private func refused(_ req: Request, _ record: CaseRecord, values: [String: String], errors: [String: String]) async throws -> Response {
        let form = try await req.form(values: values, errors: errors, fields: FormFields(("action", "cases.action"), ("note", "cases.note"), ("body", "cases.message")))
        return try await req.render("Cases/case", try await casePage(req, record, form: form), status: .unprocessableEntity)
    }

    func transition(req: Request) async throws -> Response {
        let record = try await req.caseToActOn()
        let fields = req.formFields()
        guard let action = fields["action"].flatMap(CaseAction.init(rawValue:)), action != .reopen else {
            return try await refused(req, record, values: fields, errors: ["action": req.t("form.error.choose")])
        }
        do {
            _ = try await CaseEngine(request: req).transition(record.requireID(), action,
                details: .init(note: fields["note"], referTo: fields["referTo"], duplicateOf: fields["duplicateOf"]), by: req.caseActor)
        } catch CaseError.noteRequired {
            return try await refused(req, record, values: fields, errors: ["note": req.t("case.error.noteRequired")])
        } catch let invalid as CaseInvalid {
            return try await refused(req, record, values: fields, errors: invalid.messages(req))
        }
        try await req.flash("success", req.t("cases.updated"))
        return req.seeOther(CaseURL.staff(record))
    }

    struct MessageForm: Content { var body: String?; var visibility: String?; var canned: String?; var article: String?; var attachments: [File]? }

    func message(req: Request) async throws -> Response {
        let form = (try? req.content.decode(MessageForm.self)) ?? MessageForm()
        let record = try await req.caseToWrite(publicly: form.visibility == "public")
        let files = NewAttachment.from(form.attachments)
        var body = (form.body ?? "").trimmed
        let isPublic = form.visibility == "public"
        // A canned reply fills an empty message (browsers without JavaScript); with JavaScript it is inserted as typed.
        if body.isEmpty, let id = form.canned.flatMap(UUID.init(uuidString:)), let canned = try await KnowledgeArticle.find(id, on: req.db), canned.kind == .cannedReply {
            body = canned.body(in: record.language)
        }
        // An inquiry answered from a public article: the reply carries its link and the case keeps the article.
        var article: KnowledgeArticle?
        if isPublic, let id = form.article.flatMap(UUID.init(uuidString:)), let found = try await KnowledgeArticle.find(id, on: req.db), found.isPublic, found.kind == .article {
            article = found
            if !body.isEmpty {
                body += "\n\n\(found.title(in: record.language)): \(req.application.settings.messaging.publicBaseURL)/bantuan/\(id.uuidString)"
            }
        }
        do {
            _ = try await CaseEngine(request: req).addMessage(record.requireID(), body: body, isPublic: isPublic, attachments: files, by: req.caseActor)
            if let article {
                let link = CaseArticleLink()
                link.$caseRecord.id = try record.requireID()
                link.$article.id = try article.requireID()
                link.at = req.application.clock.now()
                try? await link.create(on: req.db) // the same article twice is one link
            }
        } catch let invalid as CaseInvalid {
            return try await refused(req, record, values: ["body": form.body ?? ""], errors: invalid.messages(req))
        }
        try await req.flash("success", req.t(form.visibility == "public" ? "cases.replied" : "cases.noted"))
        return req.seeOther(CaseURL.staff(record))
    }

    func assign(req: Request) async throws -> Response {
        let record = try await req.caseRecord()
        guard let staffID = req.formFields()["staff"].flatMap(UUID.init(uuidString:)) else { throw CaseError.unknownStaff }
        _ = try await CaseEngine(request: req).assign(record.requireID(), to: staffID, by: req.caseActor)
        try await req.flash("success", req.t("cases.assigned"))
        return req.seeOther(CaseURL.staff(record))
    }

    /// "Assign to me": an officer takes over a case given to someone else; the timeline and the audit trail say who.
    func take(req: Request) async throws -> Response {
        let record = try await req.caseRecord()
        let officer = req.staff!
        _ = try await CaseEngine(request: req).assign(record.requireID(), to: officer.id, by: req.caseActor)
        try await req.flash("success", req.t("cases.taken", ["reference": record.reference]))
        return req.seeOther(CaseURL.staff(record))
    }

    /// An attachment, sent as a download so a browser never renders it in Layan's origin.
    func attachment(req: Request) async throws -> Response {
        let record = try await req.caseRecord()
        guard let id = req.parameters.get("attachmentID", as: UUID.self),
              let file = try await CaseAttachment.query(on: req.db).filter(\.$id == id).filter(\.$caseRecord.$id == record.requireID()).first() else {
            throw Abort(.notFound)
        }
        return .download(file.data, contentType: file.contentType, fileName: file.fileName)
    }
}

extension HTTPMediaType {
    static func parse(_ text: String) -> HTTPMediaType? {
        let parts = text.split(separator: "/")
        return parts.count == 2 ? HTTPMediaType(type: String(parts[0]), subType: String(parts[1])) : nil
    }
}
