import Fluent
import Foundation
import LayanCore

/// What the duty rota needs from the database, in a fixed number of queries whatever the number of branches
/// (conventions.md, habit 3: the handler renders, this reads).
struct DutyRotaPage: Sendable {
    let branches: [Branch]
    /// Active officers who handle cases, by name.
    let officers: [Staff]
    let divisions: [Division]
    /// Each branch's shifts from the first day on.
    let shifts: [UUID: [DutyShift]]

    static func query(on db: any Database, from today: LocalDate) async throws -> DutyRotaPage {
        let branches = try await Branch.query(on: db).sort(\.$name).all()
        let officers = try await Staff.query(on: db).filter(\.$active == true).sort(\.$name).all().filter { $0.roles.allow(.handleCases) }
        let divisions = try await Division.query(on: db).sort(\.$code).all()
        return DutyRotaPage(branches: branches, officers: officers, divisions: divisions, shifts: try await shifts(from: today, on: db))
    }

    /// Every branch's shifts from `today` on, in one query.
    static func shifts(from today: LocalDate, on db: any Database) async throws -> [UUID: [DutyShift]] {
        Dictionary(grouping: try await DutyShift.query(on: db).filter(\.$date >= today.iso).all(), by: { $0.$branch.id })
    }

    /// The days in `from...until` an officer is already on duty at a branch, in one query.
    static func daysOnDuty(_ staffID: UUID, at branchID: UUID, from: LocalDate, until: LocalDate, on db: any Database) async throws -> Set<String> {
        Set(try await DutyShift.query(on: db).filter(\.$branch.$id == branchID).filter(\.$staff.$id == staffID)
            .filter(\.$date >= from.iso).filter(\.$date <= until.iso).all().map(\.date))
    }
}
