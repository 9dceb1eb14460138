import Fluent
import LayanCore
import Vapor

/// Service recovery pages: record one on a substantiated complaint or proactively (before any complaint, when a
/// charter standard is about to be missed), the list of open corrective actions, and closing them out.
struct ServiceRecoveryController: RouteCollection {
    static let form = FormFields(("whatFailed", "recovery.whatFailed"), ("cause", "recovery.cause"), ("given", "recovery.given"), ("givenNote", "recovery.givenNote"), ("correctiveAction", "recovery.corrective"), ("owner", "recovery.owner"), ("dueOn", "recovery.due"), ("followUpOn", "recovery.followUpOn"), ("customerName", "recovery.customer"), ("customerContact", "portal.lookup.contact"), ("branch", "case.field.branch"))
    static let fields = form.order

    func boot(routes: any RoutesBuilder) throws {
        let officer = routes.access(.staff(.handleCases))
        officer.get(.cases(.recoveries), use: list)
        officer.get(.cases(.newRecovery), use: newProactive)
        officer.post(.cases(.newRecovery), use: createProactive)
        officer.get(.cases(.recoveryForCase(":caseID")), use: newForCase)
        officer.post(.cases(.recoveryForCase(":caseID")), use: createForCase)
        officer.post(.cases(.recoveryDone(":recoveryID")), use: markDone)
        officer.post(.cases(.recoveryFollowUp(":recoveryID")), use: followUp)
    }

    struct FormPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let heading: String
        let action: String
        let proactive: Bool
        let caseReference: String?
        let causes: [Choice]
        let given: [Choice]
        let owners: [Choice]
        let branches: [Choice]
    }

    private func formPage(_ req: Request, form: FormContext, record: CaseRecord?, chosenGiven: Set<String>) async throws -> FormPage {
        let staff = try await Staff.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
        let branches = try await Branch.query(on: req.db).sort(\.$name).all()
        return FormPage(
            layout: await LayoutContext.make(for: req, title: req.t("recovery.title")), form: form,
            heading: req.t(record == nil ? "recovery.proactive" : "recovery.forCase"),
            action: SiteURL.cases(record.map { .recoveryForCase($0.id!.uuidString) } ?? .newRecovery).path, proactive: record == nil, caseReference: record?.reference,
            causes: FailureCause.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: form.values["cause"] == $0.rawValue) },
            given: RecoveryGiven.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: chosenGiven.contains($0.rawValue)) },
            owners: staff.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: form.values["owner"] == $0.id!.uuidString || (form.values["owner"] == nil && $0.id == req.staff?.id)) },
            branches: branches.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: form.values["branch"] == $0.id!.uuidString || (form.values["branch"] == nil && $0.id == req.staff?.branchID)) })
    }

    func newForCase(req: Request) async throws -> View {
        let record = try await req.caseRecord()
        return try await req.view.render("Cases/recovery", try await formPage(req, form: try await req.form(), record: record, chosenGiven: []))
    }

    func newProactive(req: Request) async throws -> View {
        try await req.view.render("Cases/recovery", try await formPage(req, form: try await req.form(), record: nil, chosenGiven: []))
    }

    func createForCase(req: Request) async throws -> Response { try await create(req, record: try await req.caseRecord()) }
    func createProactive(req: Request) async throws -> Response { try await create(req, record: nil) }

    struct GivenField: Content { var given: [String]? }

    private func create(_ req: Request, record: CaseRecord?) async throws -> Response {
        var scalar = [String: String]()
        for field in Self.fields where field != "given" { scalar[field] = (req.content[String.self, at: field] ?? "").trimmed }
        let givenRaw = (try? req.content.decode(GivenField.self))?.given ?? []
        var check = FormValidator(req, fields: scalar)
        let whatFailed = check.text("whatFailed", max: 2000)
        let cause = check.choice("cause", as: FailureCause.self)
        let given = givenRaw.compactMap(RecoveryGiven.init(rawValue:))
        if given.isEmpty || given.count != givenRaw.count { check.fail("given", "recovery.error.given") }
        let givenNote = check.text("givenNote", max: 2000, required: false)
        let corrective = check.text("correctiveAction", max: 2000)
        let owner = check.uuid("owner", required: true)
        let due = check.date("dueOn")
        let followUp = (scalar["followUpOn"] ?? "").isEmpty ? nil : check.date("followUpOn")
        let today = LocalDate(req.application.clock.now())
        if let due, due < today { check.fail("dueOn", "recovery.error.past") }
        var branchID = record?.$branch.id
        var customerName: String?, customerContact: String?
        if record == nil {
            customerName = check.text("customerName", max: 200)
            customerContact = check.text("customerContact", max: 254, required: false)
            branchID = check.uuid("branch", required: true)
        }
        if let owner, try await Staff.find(owner, on: req.db) == nil { check.fail("owner", "form.error.choose") }
        if let id = branchID, try await Branch.find(id, on: req.db) == nil { check.fail("branch", "form.error.choose") }
        guard check.isValid, let whatFailed, let cause, let corrective, let owner, let due, let branchID else {
            let form = try await req.form(values: scalar, errors: check.errors, fields: Self.form)
            return try await req.render("Cases/recovery", try await formPage(req, form: form, record: record, chosenGiven: Set(givenRaw)), status: .unprocessableEntity)
        }
        let now = req.application.clock.now()
        let actor = req.caseActor
        let recovery = ServiceRecoveryRecord()
        recovery.$caseRecord.id = record?.id
        recovery.$branch.id = branchID
        recovery.proactive = record == nil
        recovery.customerName = customerName
        recovery.customerContact = customerContact
        recovery.cause = cause
        recovery.whatFailed = whatFailed
        recovery.given = given
        recovery.givenNote = givenNote
        recovery.correctiveAction = corrective
        recovery.$owner.id = owner
        recovery.dueOn = due.iso
        recovery.followUpOn = followUp?.iso
        recovery.$createdBy.id = actor.staffID
        recovery.createdAt = now
        let caseID = record?.id
        let summary = "\(req.t(cause.catalogueKey)): \(whatFailed)"
        try await req.db.writeTransaction { db in
            try await recovery.create(on: db)
            try await Audit.record(.create, entity: "service_recovery", id: recovery.id?.uuidString,
                                   changes: ["whatFailed": .init(before: nil, after: whatFailed), "due": .init(before: nil, after: recovery.dueOn)], by: req, on: db)
            if let caseID {
                try await CaseEvent(caseID: caseID, at: now, kind: .recovery, isPublic: false, actorID: actor.staffID, actorName: actor.name, body: summary).create(on: db)
            }
        }
        try await req.flash("success", req.t("recovery.saved"))
        return req.seeOther(.cases(record.map { .show($0.id!.uuidString) } ?? .recoveries))
    }

    struct Row: Encodable, Sendable {
        let what: String; let cause: String; let given: String; let corrective: String; let owner: String; let due: String; let overdue: Bool
        let source: String; let sourceHref: String?; let proactive: Bool; let followUpDue: String?; let followedUp: Bool
        let doneAction: String; let followUpAction: String
    }

    struct ListPage: Encodable, Sendable { let layout: LayoutContext; let csrf: String; let rows: [Row]; let newHref: String }

    /// The open corrective actions, oldest due first, with overdue ones marked.
    func list(req: Request) async throws -> View {
        let open = try await ServiceRecoveryRecord.query(on: req.db)
            .group(.or) { $0.filter(\.$doneAt == nil).filter(\.$followedUpAt == nil) }
            .sort(\.$dueOn).with(\.$owner).with(\.$caseRecord).range(..<500).all()
        let today = LocalDate(req.application.clock.now())
        func date(_ iso: String) -> String { MalaysianTime.longDate(iso: iso, in: req.language) }
        let rows = open.map { r in
            Row(what: r.whatFailed, cause: req.t(r.cause.catalogueKey), given: r.given.map { req.t($0.catalogueKey) }.joined(separator: ", "),
                corrective: r.correctiveAction, owner: r.owner.name, due: date(r.dueOn) + (r.doneAt != nil ? " ✓" : ""),
                overdue: r.doneAt == nil && r.dueOn < today.iso,
                source: r.caseRecord?.reference ?? (r.customerName ?? ""), sourceHref: r.caseRecord.map { CaseURL.staff($0) }, proactive: r.proactive,
                followUpDue: r.followUpOn.map(date), followedUp: r.followedUpAt != nil,
                doneAction: SiteURL.cases(.recoveryDone(r.id!.uuidString)).path, followUpAction: SiteURL.cases(.recoveryFollowUp(r.id!.uuidString)).path)
        }
        return try await req.view.render("Cases/recoveryList", ListPage(layout: await LayoutContext.make(for: req, title: req.t("recovery.open")),
                                                                        csrf: try await req.csrfToken(), rows: rows, newHref: SiteURL.cases(.newRecovery).path))
    }

    func markDone(req: Request) async throws -> Response {
        let recovery = try await req.find(ServiceRecoveryRecord.self, parameter: "recoveryID")
        try req.requireInScope(branch: recovery.$branch.id)
        if recovery.doneAt == nil {
            recovery.doneAt = req.application.clock.now()
            try await req.db.writeTransaction { db in
                try await recovery.save(on: db)
                try await Audit.record(.update, entity: "service_recovery", id: recovery.id?.uuidString,
                                       changes: ["done": .init(before: nil, after: LocalDate(recovery.doneAt!).iso)], by: req, on: db)
            }
        }
        try await req.flash("success", req.t("recovery.done"))
        return req.seeOther(.cases(.recoveries))
    }

    func followUp(req: Request) async throws -> Response {
        let recovery = try await req.find(ServiceRecoveryRecord.self, parameter: "recoveryID")
        try req.requireInScope(branch: recovery.$branch.id)
        var check = FormValidator(req)
        let note = check.text("note", max: 2000)
        guard let note else { throw Abort(.unprocessableEntity, reason: req.t("form.error.required")) }
        recovery.followedUpAt = req.application.clock.now()
        recovery.followUpNote = note
        try await req.db.writeTransaction { db in
            try await recovery.save(on: db)
            try await Audit.record(.update, entity: "service_recovery", id: recovery.id?.uuidString,
                                   changes: ["followUp": .init(before: nil, after: note)], by: req, on: db)
        }
        try await req.flash("success", req.t("recovery.followedUp"))
        return req.seeOther(.cases(.recoveries))
    }
}
