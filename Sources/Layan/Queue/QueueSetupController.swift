import Fluent
import LayanCore
import Vapor

/// Administrators set up each branch's queue: services (letter, names, charter target), counters (number,
/// kind, the services each takes) and the calling rules (priority categories, ratio, ageing cap, recalls).
struct QueueSetupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.access(.staff(.manageOrganisation))
        admin.get(.queue(.setup), use: overview)
        admin.post(.queue(.setupSettings), use: saveSettings)
        admin.get(.queue(.newService), use: newService)
        admin.post(.queue(.services), use: createService)
        admin.get(.queue(.service(":id")), use: editService)
        admin.post(.queue(.service(":id")), use: updateService)
        admin.get(.queue(.newCounter), use: newCounter)
        admin.post(.queue(.counters), use: createCounter)
        admin.get(.queue(.counter(":id")), use: editCounter)
        admin.post(.queue(.counter(":id")), use: updateCounter)
    }

    private func branch(_ req: Request) async throws -> Branch {
        try await QueueEngine.branch(for: req, code: req.query[String.self, at: "branch"] ?? req.content[String.self, at: "branch"])
    }

    // MARK: overview and settings

    struct ServiceRow: Encodable, Sendable { let href: String; let letter: String; let name: String; let target: Int; let active: Bool }
    struct CounterRow: Encodable, Sendable { let href: String; let number: Int; let type: String; let services: String }

    struct OverviewPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let branch: String
        let branchName: String
        let branches: [Choice]
        let services: [ServiceRow]
        let counters: [CounterRow]
        let categories: [Choice]
        let newService: String
        let newCounter: String
    }

    static let settingsForm = FormFields(("priorityCategories", "setup.priorityCategories"), ("priorityShare", "setup.priorityShare"), ("regularShare", "setup.regularShare"), ("ageingCapMinutes", "setup.ageingCap"), ("recallsBeforeNoShow", "setup.recalls"))

    static let settingsFields = settingsForm.order

    func overview(req: Request) async throws -> View {
        let branch = try await branch(req)
        let settings = try await QueueEngine.settings(branchID: branch.requireID(), on: req.db)
        let values = ["priorityShare": "\(settings.priorityShare)", "regularShare": "\(settings.regularShare)",
                      "ageingCapMinutes": "\(settings.ageingCapMinutes)", "recallsBeforeNoShow": "\(settings.recallsBeforeNoShow)"]
        return try await req.view.render("Queue/setup", try await overviewPage(req, branch: branch, form: try await req.form(values: values),
                                                                               priority: Set(settings.priorityCategories)))
    }

    private func overviewPage(_ req: Request, branch: Branch, form: FormContext, priority: Set<CustomerCategory>) async throws -> OverviewPage {
        let branchID = try branch.requireID()
        let services = try await QueueService.query(on: req.db).filter(\.$branch.$id == branchID).sort(\.$letter).all()
        let names = Dictionary(uniqueKeysWithValues: services.map { ($0.id!, $0.letter) })
        let counters = try await Counter.query(on: req.db).filter(\.$branch.$id == branchID).sort(\.$number).all()
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        return OverviewPage(
            layout: await LayoutContext.make(for: req, title: req.t("setup.title")), form: form, branch: branch.code, branchName: branch.name,
            branches: branches.map { Choice(value: $0.code, label: $0.name, selected: $0.id == branch.id) },
            services: services.map { ServiceRow(href: SiteURL.queue(.service("\($0.id!)")).path, letter: $0.letter, name: $0.name(in: req.language),
                                                target: $0.targetWaitMinutes, active: $0.active) },
            counters: counters.map { CounterRow(href: SiteURL.queue(.counter("\($0.id!)")).path, number: $0.number, type: req.t($0.type.catalogueKey),
                                                services: $0.serviceIDs.compactMap { names[$0] }.joined(separator: ", ")) },
            categories: CustomerCategory.allCases.filter { $0 != .regular }.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: priority.contains($0)) },
            newService: SiteURL.queue(.newService).path(["branch": branch.code]), newCounter: SiteURL.queue(.newCounter).path(["branch": branch.code]))
    }

    struct Lists: Content { var priorityCategories: [String]?; var services: [String]? }

    /// A whole number within `range`, or a message for the field.
    static func number(_ check: inout FormValidator, _ field: String, _ range: ClosedRange<Int>) -> Int? {
        guard let text = check.text(field, max: 4) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            check.fail(field, "form.error.range", ["min": "\(range.lowerBound)", "max": "\(range.upperBound)"])
            return nil
        }
        return value
    }

    func saveSettings(req: Request) async throws -> Response {
        let branch = try await branch(req)
        let lists = (try? req.content.decode(Lists.self)) ?? Lists()
        var scalar = [String: String]()
        for field in Self.settingsFields.dropFirst() { scalar[field] = req.content[String.self, at: field] ?? "" }
        var check = FormValidator(req, fields: scalar)
        let priorityShare = Self.number(&check, "priorityShare", 1...10), regularShare = Self.number(&check, "regularShare", 1...10)
        let cap = Self.number(&check, "ageingCapMinutes", 5...240), recalls = Self.number(&check, "recallsBeforeNoShow", 0...5)
        let categories = (lists.priorityCategories ?? []).compactMap(CustomerCategory.init(rawValue:)).filter { $0 != .regular }
        if categories.count != (lists.priorityCategories ?? []).count { check.fail("priorityCategories", "form.error.choose") }
        guard check.isValid, let priorityShare, let regularShare, let cap, let recalls else {
            let page = try await overviewPage(req, branch: branch, form: try await req.form(values: scalar, errors: check.errors, fields: Self.settingsForm),
                                              priority: Set(categories))
            return try await req.render("Queue/setup", page, status: .unprocessableEntity)
        }
        let settings = try await QueueSettings.query(on: req.db).filter(\.$branch.$id == branch.requireID()).first() ?? .defaults(branchID: try branch.requireID())
        let before: [String: String?]? = settings.id == nil ? nil : settings.auditSnapshot
        settings.priorityCategories = categories
        settings.priorityShare = priorityShare; settings.regularShare = regularShare
        settings.ageingCapMinutes = cap; settings.recallsBeforeNoShow = recalls
        try await Audit.save(settings, before: before, by: req)
        await QueueEngine(request: req).notify(try branch.requireID(), setupChanged: true)
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.queue(.setup), ["branch": branch.code])
    }

    // MARK: services

    struct ServicePage: Encodable, Sendable { let layout: LayoutContext; let form: FormContext; let action: String; let heading: String; let branch: String; let active: Bool }
    static let serviceForm = FormFields(("letter", "setup.letter"), ("nameMs", "divisions.nameMs"), ("nameEn", "divisions.nameEn"), ("targetWaitMinutes", "setup.targetWait"))
    static let serviceFields = serviceForm.order

    func newService(req: Request) async throws -> View {
        let branch = try await branch(req)
        return try await req.view.render("Queue/service", ServicePage(layout: await LayoutContext.make(for: req, title: req.t("setup.newService")),
            form: try await req.form(values: ["targetWaitMinutes": "15"]), action: SiteURL.queue(.services).path, heading: req.t("setup.newService"), branch: branch.code, active: true))
    }

    func editService(req: Request) async throws -> View {
        let service = try await req.find(QueueService.self)
        let branch = try await service.$branch.get(on: req.db)
        return try await req.view.render("Queue/service", ServicePage(layout: await LayoutContext.make(for: req, title: service.nameMs),
            form: try await req.form(values: ["letter": service.letter, "nameMs": service.nameMs, "nameEn": service.nameEn, "targetWaitMinutes": "\(service.targetWaitMinutes)"]),
            action: SiteURL.queue(.service("\(service.id!)")).path, heading: "\(service.letter) · \(service.name(in: req.language))", branch: branch.code, active: service.active))
    }

    func createService(req: Request) async throws -> Response { try await saveService(req, existing: nil) }
    func updateService(req: Request) async throws -> Response { try await saveService(req, existing: try await req.find(QueueService.self)) }

    private func saveService(_ req: Request, existing: QueueService?) async throws -> Response {
        let branch = existing == nil ? try await branch(req) : try await existing!.$branch.get(on: req.db)
        let branchID = try branch.requireID()
        var check = FormValidator(req)
        let letter = check.text("letter", max: 1)?.uppercased()
        if let letter, !(letter.count == 1 && letter.first!.isASCII && letter.first!.isLetter) { check.fail("letter", "setup.error.letter") }
        let nameMs = check.text("nameMs"), nameEn = check.text("nameEn")
        let target = Self.number(&check, "targetWaitMinutes", 1...240)
        if let letter, try await QueueService.query(on: req.db).filter(\.$branch.$id == branchID).filter(\.$letter == letter)
            .filter(\.$id != existing?.id ?? UUID()).count() > 0 { check.fail("letter", "form.error.taken") }
        let active = existing == nil ? true : check.fields["active"] == "on"
        guard check.isValid, let letter, let nameMs, let nameEn, let target else {
            return try await req.render("Queue/service", ServicePage(layout: await LayoutContext.make(for: req, title: req.t("setup.newService")),
                form: try await req.form(values: check.fields, errors: check.errors, fields: Self.serviceForm),
                action: SiteURL.queue(existing.map { .service("\($0.id!)") } ?? .services).path, heading: existing?.nameMs ?? req.t("setup.newService"),
                branch: branch.code, active: active), status: .unprocessableEntity)
        }
        let service = existing ?? QueueService(branchID: branchID, letter: letter, nameMs: nameMs, nameEn: nameEn, targetWaitMinutes: target)
        let before = existing?.auditSnapshot
        service.letter = letter; service.nameMs = nameMs; service.nameEn = nameEn; service.targetWaitMinutes = target; service.active = active
        try await Audit.save(service, before: before, by: req)
        await QueueEngine(request: req).notify(branchID, setupChanged: true)
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.queue(.setup), ["branch": branch.code])
    }

    // MARK: counters

    struct CounterPage: Encodable, Sendable {
        let layout: LayoutContext; let form: FormContext; let action: String; let heading: String; let branch: String
        let types: [Choice]; let services: [Choice]
    }
    static let counterForm = FormFields(("number", "setup.counterNumber"), ("type", "setup.type"), ("services", "setup.services"))
    static let counterFields = counterForm.order

    private func counterPage(_ req: Request, branch: Branch, existing: Counter?, values: [String: String], chosen: Set<UUID>,
                             errors: [String: String] = [:]) async throws -> CounterPage {
        let services = try await QueueService.query(on: req.db).filter(\.$branch.$id == branch.requireID()).sort(\.$letter).all()
        return CounterPage(layout: await LayoutContext.make(for: req, title: req.t("setup.counter")),
                           form: try await req.form(values: values, errors: errors, fields: Self.counterForm),
                           action: SiteURL.queue(existing.map { .counter("\($0.id!)") } ?? .counters).path,
                           heading: existing.map { "\(req.t("console.counter")) \($0.number)" } ?? req.t("setup.newCounter"), branch: branch.code,
                           types: CounterType.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: values["type"] == $0.rawValue) },
                           services: services.map { Choice(value: $0.id!.uuidString, label: "\($0.letter) · \($0.name(in: req.language))", selected: chosen.contains($0.id!)) })
    }

    func newCounter(req: Request) async throws -> View {
        let branch = try await branch(req)
        return try await req.view.render("Queue/counter", try await counterPage(req, branch: branch, existing: nil, values: ["type": "regular"], chosen: []))
    }

    func editCounter(req: Request) async throws -> View {
        let counter = try await req.find(Counter.self)
        let branch = try await counter.$branch.get(on: req.db)
        return try await req.view.render("Queue/counter", try await counterPage(req, branch: branch, existing: counter,
            values: ["number": "\(counter.number)", "type": counter.type.rawValue], chosen: Set(counter.serviceIDs)))
    }

    func createCounter(req: Request) async throws -> Response { try await saveCounter(req, existing: nil) }
    func updateCounter(req: Request) async throws -> Response { try await saveCounter(req, existing: try await req.find(Counter.self)) }

    private func saveCounter(_ req: Request, existing: Counter?) async throws -> Response {
        let branch = existing == nil ? try await branch(req) : try await existing!.$branch.get(on: req.db)
        let branchID = try branch.requireID()
        let lists = (try? req.content.decode(Lists.self)) ?? Lists()
        var check = FormValidator(req, fields: ["number": req.content[String.self, at: "number"] ?? "", "type": req.content[String.self, at: "type"] ?? ""])
        let number = Self.number(&check, "number", 1...999)
        let type = check.choice("type", as: CounterType.self)
        let branchServices = Set(try await QueueService.query(on: req.db).filter(\.$branch.$id == branchID).all().compactMap(\.id))
        let chosen = (lists.services ?? []).compactMap(UUID.init(uuidString:))
        if chosen.isEmpty || chosen.count != (lists.services ?? []).count || !Set(chosen).isSubset(of: branchServices) { check.fail("services", "setup.error.services") }
        if let number, try await Counter.query(on: req.db).filter(\.$branch.$id == branchID).filter(\.$number == number)
            .filter(\.$id != existing?.id ?? UUID()).count() > 0 { check.fail("number", "form.error.taken") }
        guard check.isValid, let number, let type else {
            let page = try await counterPage(req, branch: branch, existing: existing, values: check.fields, chosen: Set(chosen), errors: check.errors)
            return try await req.render("Queue/counter", page, status: .unprocessableEntity)
        }
        let counter = existing ?? Counter(branchID: branchID, number: number, type: type, serviceIDs: chosen)
        let before = existing?.auditSnapshot
        counter.number = number; counter.type = type; counter.serviceIDs = chosen
        try await Audit.save(counter, before: before, by: req)
        await QueueEngine(request: req).notify(branchID, setupChanged: true)
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.queue(.setup), ["branch": branch.code])
    }
}

extension QueueSettings: Audited {
    static let auditEntity = "queue_settings"

    var auditSnapshot: [String: String?] {
        ["priority_categories": priorityCategories.map(\.rawValue).joined(separator: ","), "ratio": "\(priorityShare):\(regularShare)",
         "ageing_cap_minutes": "\(ageingCapMinutes)", "recalls_before_no_show": "\(recallsBeforeNoShow)"]
    }
}
