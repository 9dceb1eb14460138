import Fluent
import LayanCore
import Vapor

/// Administrators keep the agency's profile, branches (with their state and hours) and divisions.
struct OrganisationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.access(.staff(.manageOrganisation))
        admin.get(.adminAgency, use: agencyPage)
        admin.post(.adminAgency, use: saveAgency)
        admin.get(.adminBranches, use: branchList)
        admin.get(.adminNewBranch, use: newBranch)
        admin.post(.adminBranches, use: createBranch)
        admin.get(.adminBranch(":id"), use: editBranch)
        admin.post(.adminBranch(":id"), use: updateBranch)
        admin.get(.adminDivisions, use: divisionList)
        admin.get(.adminNewDivision, use: newDivision)
        admin.post(.adminDivisions, use: createDivision)
        admin.get(.adminDivision(":id"), use: editDivision)
        admin.post(.adminDivision(":id"), use: updateDivision)
    }

    // MARK: agency

    struct AgencyPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let action: String
    }

    static let agencyForm = FormFields(("nameMs", "agency.nameMs"), ("nameEn", "agency.nameEn"), ("aboutMs", "agency.aboutMs"), ("aboutEn", "agency.aboutEn"))

    static let agencyFields = agencyForm.order

    func agencyPage(req: Request) async throws -> View {
        let agency = try await Agency.query(on: req.db).first()
        let values = ["nameMs": agency?.nameMs ?? "", "nameEn": agency?.nameEn ?? "", "aboutMs": agency?.aboutMs ?? "", "aboutEn": agency?.aboutEn ?? ""]
        return try await req.view.render("Organisation/agency", AgencyPage(
            layout: await LayoutContext.make(for: req, title: req.t("agency.title")),
            form: try await req.form(values: values), action: SiteURL.adminAgency.path))
    }

    func saveAgency(req: Request) async throws -> Response {
        var check = FormValidator(req)
        let nameMs = check.text("nameMs"), nameEn = check.text("nameEn")
        let aboutMs = check.text("aboutMs", max: 2000), aboutEn = check.text("aboutEn", max: 2000)
        guard check.isValid, let nameMs, let nameEn, let aboutMs, let aboutEn else {
            return try await req.render("Organisation/agency", AgencyPage(
                layout: await LayoutContext.make(for: req, title: req.t("agency.title")),
                form: try await req.form(values: check.fields, errors: check.errors, fields: Self.agencyForm),
                action: SiteURL.adminAgency.path), status: .unprocessableEntity)
        }
        let existing = try await Agency.query(on: req.db).first()
        let agency = existing ?? Agency(nameMs: "", nameEn: "", aboutMs: "", aboutEn: "")
        let before = existing?.auditSnapshot
        agency.nameMs = nameMs; agency.nameEn = nameEn; agency.aboutMs = aboutMs; agency.aboutEn = aboutEn
        try await Audit.save(agency, before: before, by: req)
        await req.application.agencyProfile.invalidate()
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.adminAgency)
    }

    // MARK: branches

    struct BranchRow: Encodable, Sendable {
        let href: String; let code: String; let name: String; let state: String; let phone: String
    }

    struct BranchListPage: Encodable, Sendable {
        let layout: LayoutContext
        let branches: [BranchRow]
        let newHref: String
    }

    struct HoursRow: Encodable, Sendable {
        let day: String; let label: String; let opens: String; let closes: String; let breakStarts: String; let breakEnds: String
        let error: String?
    }

    struct BranchPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let action: String
        let heading: String
        let states: [Choice]
        let hours: [HoursRow]
    }

    static let branchForm = FormFields(("code", "branches.code"), ("name", "branches.name"), ("state", "branches.state"), ("address", "branches.address"), ("phone", "branches.phone"))

    static let branchFields = branchForm.order

    func branchList(req: Request) async throws -> View {
        let branches = try await Branch.query(on: req.db).sort(\.$code).all().map {
            BranchRow(href: SiteURL.adminBranch($0.id!.uuidString).path, code: $0.code, name: $0.name, state: $0.state.name, phone: $0.phone)
        }
        return try await req.view.render("Organisation/branches", BranchListPage(
            layout: await LayoutContext.make(for: req, title: req.t("branches.title")), branches: branches, newHref: SiteURL.adminNewBranch.path))
    }

    func newBranch(req: Request) async throws -> View {
        try await req.view.render("Organisation/branch", try await branchPage(req, action: SiteURL.adminBranches.path,
            heading: req.t("branches.new"), values: [:], hours: OfficeHours.saturdaySundayWeek))
    }

    func editBranch(req: Request) async throws -> View {
        let branch = try await findBranch(req)
        let values = ["code": branch.code, "name": branch.name, "state": branch.state.rawValue, "address": branch.address, "phone": branch.phone]
        return try await req.view.render("Organisation/branch", try await branchPage(req, action: SiteURL.adminBranch(branch.id!.uuidString).path,
            heading: branch.name, values: values, hours: branch.hours))
    }

    func createBranch(req: Request) async throws -> Response {
        try await saveBranch(req, existing: nil)
    }

    func updateBranch(req: Request) async throws -> Response {
        try await saveBranch(req, existing: try await findBranch(req))
    }

    private func findBranch(_ req: Request) async throws -> Branch { try await req.find(Branch.self) }

    private func branchPage(_ req: Request, action: String, heading: String, values: [String: String], hours: OfficeHours,
                            hourErrors: [Weekday: String] = [:], errors: [String: String] = [:]) async throws -> BranchPage {
        let states = MalaysianState.allCases.map { Choice(value: $0.rawValue, label: $0.name, selected: values["state"] == $0.rawValue) }
        let rows = Weekday.mondayFirst.map { day -> HoursRow in
            let h = hours.days[day]
            return HoursRow(day: day.name, label: req.t("weekday.\(day.name)"),
                            opens: values["\(day.name).opens"] ?? h?.opens.description ?? "",
                            closes: values["\(day.name).closes"] ?? h?.closes.description ?? "",
                            breakStarts: values["\(day.name).breakStarts"] ?? h?.breakStarts?.description ?? "",
                            breakEnds: values["\(day.name).breakEnds"] ?? h?.breakEnds?.description ?? "",
                            error: hourErrors[day])
        }
        return BranchPage(layout: await LayoutContext.make(for: req, title: heading),
                          form: try await req.form(values: values, errors: errors, fields: Self.branchForm),
                          action: action, heading: heading, states: states, hours: rows)
    }

    /// Hours from the form: a day with no opening time is closed; otherwise times must be HH:MM and make sense.
    static func parseHours(_ fields: [String: String], req: Request) -> (OfficeHours, [Weekday: String]) {
        var days: [Weekday: DayHours] = [:]
        var errors: [Weekday: String] = [:]
        for day in Weekday.allCases {
            let raw = ["opens", "closes", "breakStarts", "breakEnds"].map { fields["\(day.name).\($0)"] ?? "" }
            if raw[0].isEmpty && raw[1].isEmpty { continue }
            let times = raw.map { $0.isEmpty ? nil : TimeOfDay($0) }
            if zip(raw, times).contains(where: { !$0.0.isEmpty && $0.1 == nil }) || times[0] == nil || times[1] == nil {
                errors[day] = req.t("hours.badTime")
                continue
            }
            let hours = DayHours(opens: times[0]!, closes: times[1]!, breakStarts: times[2], breakEnds: times[3])
            if let problem = hours.problem { errors[day] = req.t(problem.rawValue); continue }
            days[day] = hours
        }
        return (OfficeHours(days: days), errors)
    }

    private func saveBranch(_ req: Request, existing: Branch?) async throws -> Response {
        var check = FormValidator(req)
        let code = check.code("code"), name = check.text("name"), state = check.choice("state", as: MalaysianState.self)
        let address = check.text("address", max: 500), phone = check.phone("phone", required: true)
        let (hours, hourErrors) = Self.parseHours(check.fields, req: req)
        if let code, try await Branch.query(on: req.db).filter(\.$code == code).filter(\.$id != existing?.id ?? UUID()).count() > 0 {
            check.fail("code", "form.error.taken")
        }
        if !hourErrors.isEmpty { check.fail("hours", "hours.fix") }
        guard check.isValid, let code, let name, let state, let address, let phone else {
            let action = existing.map { SiteURL.adminBranch($0.id!.uuidString).path } ?? SiteURL.adminBranches.path
            let page = try await branchPage(req, action: action, heading: existing?.name ?? req.t("branches.new"), values: check.fields,
                                            hours: hours, hourErrors: hourErrors, errors: check.errors)
            return try await req.render("Organisation/branch", page, status: .unprocessableEntity)
        }
        let branch = existing ?? Branch()
        let before = existing?.auditSnapshot
        branch.code = code; branch.name = name; branch.state = state; branch.address = address; branch.phone = phone
        branch.storedHours = hours
        try await Audit.save(branch, before: before, by: req)
        req.application.branchDirectory.forget()
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.adminBranches)
    }

    // MARK: divisions

    struct DivisionRow: Encodable, Sendable { let href: String; let code: String; let nameMs: String; let nameEn: String }
    struct DivisionListPage: Encodable, Sendable { let layout: LayoutContext; let divisions: [DivisionRow]; let newHref: String }
    struct DivisionPage: Encodable, Sendable { let layout: LayoutContext; let form: FormContext; let action: String; let heading: String }
    static let divisionForm = FormFields(("code", "divisions.code"), ("nameMs", "divisions.nameMs"), ("nameEn", "divisions.nameEn"))
    static let divisionFields = divisionForm.order

    func divisionList(req: Request) async throws -> View {
        let divisions = try await Division.query(on: req.db).sort(\.$code).all().map {
            DivisionRow(href: SiteURL.adminDivision($0.id!.uuidString).path, code: $0.code, nameMs: $0.nameMs, nameEn: $0.nameEn)
        }
        return try await req.view.render("Organisation/divisions", DivisionListPage(
            layout: await LayoutContext.make(for: req, title: req.t("divisions.title")), divisions: divisions, newHref: SiteURL.adminNewDivision.path))
    }

    func newDivision(req: Request) async throws -> View {
        try await req.view.render("Organisation/division", DivisionPage(
            layout: await LayoutContext.make(for: req, title: req.t("divisions.new")), form: try await req.form(),
            action: SiteURL.adminDivisions.path, heading: req.t("divisions.new")))
    }

    func editDivision(req: Request) async throws -> View {
        let division = try await findDivision(req)
        return try await req.view.render("Organisation/division", DivisionPage(
            layout: await LayoutContext.make(for: req, title: division.nameMs),
            form: try await req.form(values: ["code": division.code, "nameMs": division.nameMs, "nameEn": division.nameEn]),
            action: SiteURL.adminDivision(division.id!.uuidString).path, heading: req.language == .ms ? division.nameMs : division.nameEn))
    }

    func createDivision(req: Request) async throws -> Response { try await saveDivision(req, existing: nil) }

    func updateDivision(req: Request) async throws -> Response { try await saveDivision(req, existing: try await findDivision(req)) }

    private func findDivision(_ req: Request) async throws -> Division { try await req.find(Division.self) }

    private func saveDivision(_ req: Request, existing: Division?) async throws -> Response {
        var check = FormValidator(req)
        let code = check.code("code"), nameMs = check.text("nameMs"), nameEn = check.text("nameEn")
        if let code, try await Division.query(on: req.db).filter(\.$code == code).filter(\.$id != existing?.id ?? UUID()).count() > 0 {
            check.fail("code", "form.error.taken")
        }
        guard check.isValid, let code, let nameMs, let nameEn else {
            let action = existing.map { SiteURL.adminDivision($0.id!.uuidString).path } ?? SiteURL.adminDivisions.path
            return try await req.render("Organisation/division", DivisionPage(
                layout: await LayoutContext.make(for: req, title: req.t("divisions.title")),
                form: try await req.form(values: check.fields, errors: check.errors, fields: Self.divisionForm),
                action: action, heading: existing?.nameMs ?? req.t("divisions.new")), status: .unprocessableEntity)
        }
        let division = existing ?? Division()
        let before = existing?.auditSnapshot
        division.code = code; division.nameMs = nameMs; division.nameEn = nameEn
        try await Audit.save(division, before: before, by: req)
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.adminDivisions)
    }
}
