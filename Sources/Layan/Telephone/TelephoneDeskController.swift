import Fluent
import Foundation
import LayanCore
import Vapor

/// The operator console (PKPA 1/2008 §4b): the directory with each officer's presence and the words to say before
/// transferring (rule 5), knowledge-base answers (rule 6), messages for absent officers (rule 8), call-backs to
/// callers the queue missed, and a call log for desks without a connected PBX.
struct TelephoneDeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let desk = routes.access(.staff(.answerTelephone))
        desk.get(.telephone(.console), use: console)
        desk.post(.telephone(.logCall), use: logCall)
        desk.post(.telephone(.newMessage), use: takeMessage)
        let everyone = routes.access(.staff(.staffHome))
        everyone.get(.telephone(.messages), use: messages)
        everyone.post(.telephone(.calledBack(":messageID")), use: calledBack)
        everyone.post(.telephone(.presence(":staffID")), use: setPresence)
    }

    static let messageForm = FormFields(("staff", "phone.field.officer"), ("callerName", "phone.field.callerName"), ("callerNumber", "phone.field.callerNumber"),
                                        ("body", "phone.field.body"), ("urgency", "phone.field.urgency"), ("bestTime", "phone.field.bestTime"))
    static let callForm = FormFields(("callerNumber", "phone.field.callerNumber"), ("topic", "phone.field.topic"), ("result", "phone.field.result"), ("note", "phone.field.note"))

    enum CallResult: String, CaseIterable {
        case answered, transferred, messageTaken = "message_taken", complaint, inquiry
        var catalogueKey: String { "phone.result.\(rawValue)" }
        /// PKPA: a call that raises a complaint or an inquiry becomes a case (channel `phone`).
        var opensCase: Bool { self == .complaint || self == .inquiry }
    }

    struct Officer: Encodable, Sendable {
        let id: String, name: String, division: String?, extensionNumber: String?, branch: String?, duties: String?
        let presence: String, presenceCode: String, until: String?, atCounter: String?
        let scriptMs: String, scriptEn: String
        let presenceAction: String
    }

    struct ConsolePage: Encodable, Sendable {
        let layout: LayoutContext; let csrf: String; let q: String; let searched: Bool
        let officers: [Officer]; let articles: [KnowledgeBaseController.Hit]
        let callBacks: [MessageRow]; let openMessages: Int
        let messageForm: FormContext; let callForm: FormContext
        let staffChoices: [Choice]; let urgencies: [Choice]; let results: [Choice]
        let messageAction: String; let callAction: String; let messagesHref: String; let figuresHref: String?; let wallboardHref: String?
        let presenceStates: [Choice]
    }

    struct MessageRow: Encodable, Sendable {
        let id: String, kind: String, kindCode: String, officer: String?, caller: String, number: String, body: String, urgent: Bool
        let bestTime: String?, taken: String, due: String, overdue: Bool, escalated: Bool, action: String
        let calledBack: String?, outcome: String?, inTime: Bool?
    }

    static func rows(_ messages: [PhoneMessage], _ req: Request, now: Date) -> [MessageRow] {
        messages.map { m in
            MessageRow(id: m.id!.uuidString, kind: req.t(m.kind.catalogueKey), kindCode: m.kind.rawValue, officer: m.staff?.name,
                       caller: m.callerName ?? m.callerNumber, number: m.callerNumber,
                       body: m.kind == .callBack ? req.t(PBXCall.Outcome(rawValue: m.body)?.catalogueKey ?? "phone.kind.call_back") + (m.queue.map { " · \($0)" } ?? "") : m.body,
                       urgent: m.urgency == .urgent, bestTime: m.bestTime, taken: MalaysianTime.dateTime(m.takenAt, in: req.language),
                       due: MalaysianTime.dateTime(m.dueAt, in: req.language), overdue: m.isOpen && m.dueAt < now, escalated: m.escalatedAt != nil,
                       action: SiteURL.telephone(.calledBack(m.id!.uuidString)).path,
                       calledBack: m.calledBackAt.map { MalaysianTime.dateTime($0, in: req.language) }, outcome: m.outcome.map { req.t($0.catalogueKey) },
                       inTime: m.returnedInTime)
        }
    }

    /// Officers matching the search, with where they are today.
    static func officers(_ q: String, _ req: Request) async throws -> [Officer] {
        guard !q.isEmpty else { return [] }
        let found = try await DirectoryController.search(q, on: req.db, limit: 20)
        let staff = try await Staff.query(on: req.db).filter(\.$email ~~ found.map(\.email)).all()
        let ids = staff.compactMap(\.id)
        let byEmail = Dictionary(staff.map { ($0.email, $0) }, uniquingKeysWith: { a, _ in a })
        let presence = Dictionary(try await StaffPresence.query(on: req.db).filter(\.$staff.$id ~~ ids).all().map { ($0.$staff.id, $0) }, uniquingKeysWith: { a, _ in a })
        let counters = try await Counter.query(on: req.db).filter(\.$officer.$id ~~ ids).filter(\.$status != .closed).with(\.$branch).all()
        let atCounter = Dictionary(counters.compactMap { c in c.$officer.id.map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        let today = LocalDate(req.application.clock.now())
        return found.compactMap { entry in
            guard let member = byEmail[entry.email], let id = member.id else { return nil }
            let state = presence[id]?.state(on: today) ?? .inOffice
            let counter = atCounter[id]
            let division = req.language == .en ? (entry.divisionEn ?? entry.division) : entry.division
            let values = ["name": entry.name, "division": entry.division ?? "—", "divisionEn": entry.divisionEn ?? entry.division ?? "—", "extension": entry.extensionNumber ?? "—"]
            return Officer(id: id.uuidString, name: entry.name, division: division, extensionNumber: entry.extensionNumber, branch: entry.branch, duties: entry.duties,
                           presence: req.t(state.catalogueKey), presenceCode: state.rawValue,
                           until: state == .inOffice ? nil : presence[id]?.untilDay.flatMap { LocalDate($0) }.map { MalaysianTime.longDate($0, in: req.language) },
                           atCounter: counter.map { req.t("presence.atCounter", ["number": "\($0.number)", "branch": $0.branch.name]) },
                           scriptMs: req.application.catalogue.text("phone.script", .ms, values),
                           scriptEn: req.application.catalogue.text("phone.script", .en, values.merging(["division": values["divisionEn"]!]) { $1 }),
                           presenceAction: SiteURL.telephone(.presence(id.uuidString)).path)
        }
    }

    func console(req: Request) async throws -> View {
        try await req.view.render("Telephone/console", try await consolePage(req, messageForm: try await req.form(values: ["urgency": "normal"]), callForm: try await req.form()))
    }

    private func consolePage(_ req: Request, messageForm: FormContext, callForm: FormContext) async throws -> ConsolePage {
        let q = String((req.query[String.self, at: "q"] ?? "").trimmed.prefix(100))
        let now = req.application.clock.now()
        let officers = try await Self.officers(q, req)
        let articles = q.isEmpty ? [] : try await KnowledgeArticle.search(q, publicOnly: false, on: req.db).prefix(5)
            .map { KnowledgeBaseController.hit($0, req, href: SiteURL.cases(.article($0.id!.uuidString)).path) }
        let callBacks = try await PhoneMessage.query(on: req.db).filter(\.$kind == .callBack).filter(\.$calledBackAt == nil).sort(\.$takenAt).limit(50).all()
        let openMessages = try await PhoneMessage.query(on: req.db).filter(\.$kind == .message).filter(\.$calledBackAt == nil).count()
        let staff = try await Staff.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
        let supervising = req.staff?.allows(.superviseTelephone) == true
        return ConsolePage(
            layout: await LayoutContext.make(for: req, title: req.t("phone.console.title")), csrf: try await req.csrfToken(), q: q, searched: !q.isEmpty,
            officers: officers, articles: Array(articles), callBacks: Self.rows(callBacks, req, now: now), openMessages: openMessages,
            messageForm: messageForm, callForm: callForm,
            staffChoices: staff.map { Choice(value: $0.id!.uuidString, label: $0.name + ($0.phoneExtension.map { " (\($0))" } ?? ""),
                                             selected: messageForm.values["staff"] == $0.id!.uuidString) },
            urgencies: PhoneMessage.Urgency.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: messageForm.values["urgency"] == $0.rawValue) },
            results: CallResult.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: callForm.values["result"] == $0.rawValue) },
            messageAction: SiteURL.telephone(.newMessage).path, callAction: SiteURL.telephone(.logCall).path, messagesHref: SiteURL.telephone(.messages).path,
            figuresHref: supervising ? SiteURL.telephone(.figures).path : nil, wallboardHref: supervising ? SiteURL.telephone(.wallboard).path : nil,
            presenceStates: StaffPresence.State.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: false) })
    }

    func takeMessage(req: Request) async throws -> Response {
        var check = FormValidator(req)
        let staffID = check.uuid("staff", required: true)
        let callerName = check.text("callerName", max: 200, required: false)
        let number = check.phone("callerNumber", required: true)
        let body = check.text("body", max: 2000)
        let urgency = check.choice("urgency", as: PhoneMessage.Urgency.self)
        let bestTime = check.text("bestTime", max: 200, required: false)
        if let staffID, try await Staff.find(staffID, on: req.db) == nil { check.fail("staff", "form.error.choose") }
        guard check.isValid, let staffID, let number, let body, let urgency else {
            let form = try await req.form(values: req.formFields(), errors: check.errors, fields: Self.messageForm)
            return try await req.render("Telephone/console", try await consolePage(req, messageForm: form, callForm: try await req.form()), status: .unprocessableEntity)
        }
        _ = try await PhoneMessages.take(.init(staffID: staffID, callerName: callerName, callerNumber: number, body: body, urgency: urgency, bestTime: bestTime),
                                         by: req.staff?.id, app: req.application)
        try await req.flash("success", req.t("phone.message.taken"))
        return req.seeOther(.telephone(.console))
    }

    /// A call handled without a connected PBX; a complaint or an inquiry goes on to the case form with the number.
    func logCall(req: Request) async throws -> Response {
        var check = FormValidator(req)
        let number = check.phone("callerNumber", required: false)
        let topic = check.text("topic", max: 200)
        let result = check.choice("result", as: CallResult.self)
        let note = check.text("note", max: 2000, required: false)
        guard check.isValid, let topic, let result else {
            let form = try await req.form(values: req.formFields(), errors: check.errors, fields: Self.callForm)
            return try await req.render("Telephone/console", try await consolePage(req, messageForm: try await req.form(values: ["urgency": "normal"]), callForm: form), status: .unprocessableEntity)
        }
        let now = req.application.clock.now()
        let call = PBXCall(callID: "console-" + UUID().uuidString.lowercased(), queue: "console", caller: number, enteredAt: Int(now.timeIntervalSince1970),
                           outcome: result == .transferred ? .transferred : .answered, waitSeconds: 0)
        try await CallWriter(app: req.application).write([TelephoneCall.New(call: call, staffID: req.staff?.id, source: .console, note: "\(req.t(result.catalogueKey)): \(topic)" + (note.map { " — \($0)" } ?? ""))])
        if result.opensCase {
            return req.seeOther(.cases(.new), ["channel": CaseChannel.phone.rawValue, "type": result == .complaint ? "complaint" : "inquiry", "phone": number ?? "", "subject": topic])
        }
        try await req.flash("success", req.t("phone.call.logged"))
        return req.seeOther(.telephone(.console))
    }

    struct MessagesPage: Encodable, Sendable {
        let layout: LayoutContext; let csrf: String; let mine: [MessageRow]; let others: [MessageRow]; let done: [MessageRow]; let outcomes: [Choice]; let showOthers: Bool
    }

    /// The officer's own messages, and for operators and supervisors every open one.
    func messages(req: Request) async throws -> View {
        guard let me = req.staff else { throw Abort(.unauthorized) }
        let now = req.application.clock.now()
        let mine = try await PhoneMessage.query(on: req.db).filter(\.$staff.$id == me.id).filter(\.$calledBackAt == nil).sort(\.$dueAt).with(\.$staff).all()
        let showOthers = me.allows(.answerTelephone) || me.allows(.superviseTelephone)
        let others = showOthers ? try await PhoneMessage.query(on: req.db).filter(\.$calledBackAt == nil).filter(\.$staff.$id != me.id).sort(\.$dueAt).with(\.$staff).limit(200).all()
            .filter { $0.$staff.id != me.id } : []
        let done = try await PhoneMessage.query(on: req.db).filter(\.$calledBackAt != nil).sort(\.$calledBackAt, .descending).with(\.$staff).limit(20).all()
            .filter { showOthers || $0.$staff.id == me.id }
        return try await req.view.render("Telephone/messages", MessagesPage(
            layout: await LayoutContext.make(for: req, title: req.t("phone.messages.title")), csrf: try await req.csrfToken(),
            mine: Self.rows(mine, req, now: now), others: Self.rows(others, req, now: now), done: Self.rows(done, req, now: now),
            outcomes: PhoneMessage.Outcome.allCases.filter { $0 != .calledAgain }.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: false) },
            showOthers: showOthers))
    }

    func calledBack(req: Request) async throws -> Response {
        guard let me = req.staff else { throw Abort(.unauthorized) }
        guard let id = req.parameters.get("messageID", as: UUID.self), let message = try await PhoneMessage.find(id, on: req.db) else { throw Abort(.notFound) }
        // Officers close their own messages; operators and supervisors close any (a colleague called back).
        guard message.$staff.id == me.id || me.allows(.answerTelephone) || me.allows(.superviseTelephone) else { throw Abort(.forbidden) }
        var check = FormValidator(req)
        let outcome = check.choice("outcome", as: PhoneMessage.Outcome.self)
        let note = check.text("note", max: 2000, required: false)
        guard message.isOpen else { try await req.flash("error", req.t("phone.message.alreadyDone")); return req.seeOther(.telephone(.messages)) }
        guard let outcome, check.isValid else { try await req.flash("error", req.t("phone.message.chooseOutcome")); return req.seeOther(.telephone(.messages)) }
        try await PhoneMessages.calledBack(message, outcome: outcome, note: note, by: me.id, app: req.application)
        try await req.flash("success", req.t("phone.message.closed"))
        return req.seeOther(.telephone(.messages))
    }

    /// Officers set their own presence; operators and supervisors set a colleague's (who rang in from leave).
    func setPresence(req: Request) async throws -> Response {
        guard let me = req.staff else { throw Abort(.unauthorized) }
        guard let id = req.parameters.get("staffID", as: UUID.self), try await Staff.find(id, on: req.db) != nil else { throw Abort(.notFound) }
        guard id == me.id || me.allows(.answerTelephone) || me.allows(.superviseTelephone) else { throw Abort(.forbidden) }
        var check = FormValidator(req)
        let state = check.choice("state", as: StaffPresence.State.self)
        let until = (req.formFields()["until"] ?? "").isEmpty ? nil : check.date("until")
        let note = check.text("note", max: 200, required: false)
        guard check.isValid, let state else { try await req.flash("error", check.errors.values.first ?? req.t("form.error.choose")); return req.seeOther(.telephone(.console)) }
        let row = try await StaffPresence.query(on: req.db).filter(\.$staff.$id == id).first() ?? StaffPresence()
        row.$staff.id = id
        row.state = state
        row.untilDay = until?.iso
        row.note = note
        row.updatedAt = req.application.clock.now()
        try await req.db.writeTransaction { db in try await row.save(on: db) }
        try await req.flash("success", req.t("presence.saved"))
        return req.redirect(to: SafeRedirect.path(req.formFields()["next"], fallback: SiteURL.telephone(.console).path), redirectType: .normal)
    }
}
