import Fluent
import Foundation
import LayanCore

/// What the staff case list needs from the database: the page of cases, its officers' names, the filters' choices
/// and, for supervisors, the coming days nobody is on duty (conventions.md, habit 3: the handler renders, this reads).
struct CaseListPage: Sendable {
    let page: CaseList.Page
    let assigneeNames: [UUID: String]
    let categories: [CaseCategory]
    let branches: [Branch]
    /// Each branch's coming working days with nobody on duty (PKPA 1/2008 §4d(5)); empty unless asked for.
    let uncovered: [(branch: String, day: LocalDate)]

    static func query(_ filter: CaseList.Filter, today: LocalDate, calendar: WorkingCalendar, withCoverage: Bool,
                      on db: any Database) async throws -> CaseListPage {
        let page = try await CaseList.page(filter, today: today, on: db)
        let assignees = try await Staff.query(on: db).filter(\.$id ~~ Set(page.rows.compactMap(\.assigned_to))).all()
        let categories = try await CaseCategory.query(on: db).sort(\.$nameMs).all()
        let branches = try await Branch.query(on: db).sort(\.$name).all()
        return CaseListPage(page: page, assigneeNames: Dictionary(uniqueKeysWithValues: assignees.map { ($0.id!, $0.name) }),
                            categories: categories, branches: branches,
                            uncovered: withCoverage ? try await uncoveredDays(branches, today: today, calendar: calendar, on: db) : [])
    }

    /// The next `DutyRotaController.daysWarned` working days of each branch with nobody on duty.
    static func uncoveredDays(_ branches: [Branch], today: LocalDate, calendar: WorkingCalendar,
                              on db: any Database) async throws -> [(branch: String, day: LocalDate)] {
        let shifts = try await DutyRotaPage.shifts(from: today, on: db)
        return try branches.flatMap { branch in
            let covered = Set((shifts[try branch.requireID()] ?? []).compactMap { LocalDate($0.date) })
            return DutyCoverage.uncovered(from: today, workingDays: DutyRotaController.daysWarned, calendar: calendar, state: branch.state,
                                          covered: covered).map { (branch.name, $0) }
        }
    }
}
