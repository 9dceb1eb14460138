import Fluent
import LayanCore
import Vapor

/// The working-day calendar for administrators: a state's holidays in a year, and the special holidays
/// (cuti peristiwa) they declare, in force as soon as they are saved.
struct CalendarController: RouteCollection {
    static let form = FormFields(("date", "calendar.date"), ("nameMs", "divisions.nameMs"), ("nameEn", "divisions.nameEn"), ("states", "calendar.scope"))
    static let fields = form.order

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.access(.staff(.manageCalendar))
        admin.get(.adminCalendar, use: page)
        admin.post(.adminCalendar, use: add)
        admin.post(.adminHoliday(":id"), use: remove)
    }

    struct HolidayRow: Encodable, Sendable { let date: String; let weekday: String; let name: String; let adHoc: Bool }
    struct AdHocRow: Encodable, Sendable { let date: String; let name: String; let scope: String; let removeAction: String }

    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let state: String
        let year: Int
        let states: [Choice]
        let stateChoices: [Choice]
        let holidays: [HolidayRow]
        let adHoc: [AdHocRow]
        let action: String
        let nationwide: Bool
        let outsideData: Bool
    }

    func page(req: Request) async throws -> View {
        try await req.view.render("Organisation/calendar", try await context(req, form: try await req.form(), chosen: []))
    }

    private func context(_ req: Request, form: FormContext, chosen: Set<MalaysianState>, nationwide: Bool = true) async throws -> Page {
        let state = req.query[String.self, at: "state"].flatMap(MalaysianState.init(lenient:)) ?? .putrajaya
        let thisYear = LocalDate(req.application.clock.now()).year
        let year = min(max(req.query[Int.self, at: "year"] ?? thisYear, 1990), 2100)
        let calendar = try await req.application.calendarService.calendar(on: req.db)
        let holidays = calendar.holidays.holidays(in: state, year: year).map {
            HolidayRow(date: MalaysianTime.shortDate($0.date.startInstant), weekday: MalaysianTime.weekday($0.date.startInstant, in: req.language),
                       name: $0.name(in: req.language), adHoc: $0.adHoc)
        }
        let adHoc = try await AdHocHoliday.query(on: req.db).sort(\.$date, .descending).all().map { holiday in
            AdHocRow(date: LocalDate(holiday.date).map { MalaysianTime.shortDate($0.startInstant) } ?? holiday.date,
                     name: req.language == .ms ? holiday.nameMs : holiday.nameEn,
                     scope: holiday.states.isEmpty ? req.t("calendar.nationwide") : holiday.states.map(\.name).joined(separator: ", "),
                     removeAction: SiteURL.adminHoliday(holiday.id!.uuidString).path)
        }
        return Page(layout: await LayoutContext.make(for: req, title: req.t("calendar.title")), form: form,
                    state: state.rawValue, year: year,
                    states: MalaysianState.allCases.map { Choice(value: $0.rawValue, label: $0.name, selected: $0 == state) },
                    stateChoices: MalaysianState.allCases.map { Choice(value: $0.rawValue, label: $0.name, selected: chosen.contains($0)) },
                    holidays: holidays, adHoc: adHoc, action: SiteURL.adminCalendar.path, nationwide: nationwide,
                    outsideData: !calendar.holidays.covers(LocalDate(year: year, month: 1, day: 1)!))
    }

    struct Submitted: Content { var states: [String]?; var scope: String? }

    func add(req: Request) async throws -> Response {
        let submitted = (try? req.content.decode(Submitted.self)) ?? Submitted()
        var scalar = [String: String]()
        for field in ["date", "nameMs", "nameEn"] { scalar[field] = (req.content[String.self, at: field] ?? "").trimmingCharacters(in: .whitespaces) }
        var check = FormValidator(req, fields: scalar)
        let date = check.date("date"), nameMs = check.text("nameMs"), nameEn = check.text("nameEn")
        let nationwide = submitted.scope != "states"
        let states = (submitted.states ?? []).compactMap(MalaysianState.init(rawValue:))
        if !nationwide && (states.isEmpty || states.count != (submitted.states ?? []).count) { check.fail("states", "calendar.error.states") }
        guard check.isValid, let date, let nameMs, let nameEn else {
            let page = try await context(req, form: try await req.form(values: scalar, errors: check.errors, fields: Self.form),
                                         chosen: Set(states), nationwide: nationwide)
            return try await req.render("Organisation/calendar", page, status: .unprocessableEntity)
        }
        let holiday = AdHocHoliday()
        holiday.date = date.iso; holiday.nameMs = nameMs; holiday.nameEn = nameEn
        holiday.states = nationwide ? [] : states
        holiday.$createdBy.id = req.staff?.id
        try await Audit.save(holiday, before: nil, by: req)
        await req.application.calendarService.invalidate()
        try await req.flash("success", req.t("calendar.added"))
        return req.seeOther(.adminCalendar)
    }

    func remove(req: Request) async throws -> Response {
        try await Audit.delete(try await req.find(AdHocHoliday.self), by: req)
        await req.application.calendarService.invalidate()
        try await req.flash("success", req.t("calendar.removed"))
        return req.seeOther(.adminCalendar)
    }
}
