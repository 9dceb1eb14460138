import Fluent
import LayanCore
import LayanStorage
import Vapor

/// The duty rota (PKPA 1/2008 §4d(5): an officer assigned every day to complaints and feedback): who is on duty
/// on each coming working day at each branch, with a warning for days nobody covers.
struct DutyRotaController: RouteCollection {
    static let daysShown = 10
    static let daysWarned = 5

    func boot(routes: any RoutesBuilder) throws {
        let supervisor = routes.access(.staff(.superviseCases))
        supervisor.get(.cases(.duty), use: page)
        supervisor.post(.cases(.duty), use: add)
        supervisor.post(.cases(.removeShift(":shiftID")), use: remove)
    }

    struct Officer: Encodable, Sendable { let name: String; let unit: String?; let removeAction: String }
    struct Day: Encodable, Sendable { let date: String; let iso: String; let officers: [Officer]; let uncovered: Bool }
    struct BranchRota: Encodable, Sendable { let name: String; let days: [Day] }
    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let branches: [BranchRota]
        let branchChoices: [Choice]
        let officerChoices: [Choice]
        let unitChoices: [Choice]
    }

    func page(req: Request) async throws -> View {
        try await req.view.render("Cases/duty", try await context(req, form: try await req.form()))
    }

    private func context(_ req: Request, form: FormContext) async throws -> Page {
        let now = req.application.clock.now()
        let today = LocalDate(now)
        let calendar = try await req.application.calendarService.calendar(on: req.db, now: now)
        let found = try await DutyRotaPage.query(on: req.db, from: today)
        let (branches, staff, divisions) = (found.branches, found.officers, found.divisions)
        let names = Dictionary(uniqueKeysWithValues: staff.map { ($0.id!, $0.name) })
        let units = Dictionary(uniqueKeysWithValues: divisions.map { ($0.id!, req.language == .ms ? $0.nameMs : $0.nameEn) })
        var rotas: [BranchRota] = []
        for branch in branches {
            let shifts = found.shifts[try branch.requireID()] ?? []
            var day = calendar.nextWorkingDay(onOrAfter: today, in: branch.state)
            var days: [Day] = []
            for _ in 0..<Self.daysShown {
                let officers = shifts.filter { $0.date == day.iso }.map {
                    Officer(name: names[$0.$staff.id] ?? "—", unit: $0.$division.id.flatMap { units[$0] },
                            removeAction: SiteURL.cases(.removeShift($0.id!.uuidString)).path)
                }
                days.append(Day(date: MalaysianTime.longDate(day, in: req.language), iso: day.iso, officers: officers, uncovered: officers.isEmpty))
                day = calendar.adding(workingDays: 1, to: day, in: branch.state)
            }
            rotas.append(BranchRota(name: branch.name, days: days))
        }
        return Page(layout: await LayoutContext.make(for: req, title: req.t("duty.title")), form: form, branches: rotas,
                    branchChoices: branches.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: form.values["branch"] == $0.id!.uuidString) },
                    officerChoices: staff.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: form.values["staff"] == $0.id!.uuidString) },
                    unitChoices: divisions.map { Choice(value: $0.id!.uuidString, label: units[$0.id!] ?? $0.code, selected: form.values["division"] == $0.id!.uuidString) })
    }

    func add(req: Request) async throws -> Response {
        var check = FormValidator(req)
        let branchID = check.uuid("branch", required: true), staffID = check.uuid("staff", required: true)
        let divisionID = check.uuid("division")
        if let divisionID, try await Division.find(divisionID, on: req.db) == nil { check.fail("division", "form.error.choose") }
        let from = check.date("from")
        let until = check.fields["until"].flatMap { $0.isEmpty ? nil : LocalDate($0) } ?? from
        if let from, let until, until < from || until.dayNumber - from.dayNumber > 62 { check.fail("until", "duty.error.range") }
        var branch: Branch?
        if let branchID { branch = try await Branch.find(branchID, on: req.db); if branch == nil { check.fail("branch", "form.error.choose") } }
        if let staffID, try await Staff.find(staffID, on: req.db)?.roles.allow(.handleCases) != true { check.fail("staff", "form.error.choose") }
        guard check.isValid, let branch, let staffID, let from, let until else {
            let form = try await req.form(values: check.fields, errors: check.errors, fields: FormFields(("branch", "case.field.branch"), ("staff", "duty.officer"), ("from", "duty.from"), ("until", "duty.until")))
            return try await req.render("Cases/duty", try await context(req, form: form), status: .unprocessableEntity)
        }
        // One shift per working day of the range; days off are skipped, existing shifts kept.
        let calendar = try await req.application.calendarService.calendar(on: req.db, now: req.application.clock.now())
        let chosenBranch = try branch.requireID()
        try req.requireInScope(branch: chosenBranch)
        let state = branch.state
        try await req.db.writeTransaction { db in
            let onDuty = try await DutyRotaPage.daysOnDuty(staffID, at: chosenBranch, from: from, until: until, on: db)
            for n in 0...(until.dayNumber - from.dayNumber) {
                let day = from.adding(days: n)
                guard calendar.isWorkingDay(day, in: state), !onDuty.contains(day.iso) else { continue }
                let shift = DutyShift(branchID: chosenBranch, staffID: staffID, date: day, divisionID: divisionID)
                try await shift.create(on: db)
                // PKPA 1/2008 (security): the rota's changes are on the audit trail like every record's.
                try await Audit.record(.create, entity: "duty_shift", id: shift.id?.uuidString,
                                       changes: ["staff": .init(before: nil, after: staffID.uuidString), "date": .init(before: nil, after: day.iso)],
                                       by: req, on: db)
            }
        }
        try await req.flash("success", req.t("duty.added"))
        return req.seeOther(.cases(.duty))
    }

    func remove(req: Request) async throws -> Response {
        let shift = try await req.find(DutyShift.self, parameter: "shiftID")
        try req.requireInScope(branch: shift.$branch.id)
        try await req.db.writeTransaction { db in
            try await shift.delete(on: db)
            try await Audit.record(.delete, entity: "duty_shift", id: shift.id?.uuidString,
                                   changes: ["staff": .init(before: shift.$staff.id.uuidString, after: nil), "date": .init(before: shift.date, after: nil)],
                                   by: req, on: db)
        }
        try await req.flash("success", req.t("duty.removed"))
        return req.seeOther(.cases(.duty))
    }
}
