import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Who is on duty for complaints and feedback on a day at a branch (PKPA 1/2008 §4d(5)).
final class DutyShift: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "duty_rota"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Parent(key: "staff_id") var staff: Staff
    @Field(key: "date") var date: String
    /// The unit (division) the officer is on duty for; nil: the whole branch.
    @OptionalParent(key: "division_id") var division: Division?

    init() {}

    init(branchID: UUID, staffID: UUID, date: LocalDate, divisionID: UUID? = nil) {
        self.$branch.id = branchID
        self.$staff.id = staffID
        self.date = date.iso
        self.$division.id = divisionID
    }
}
