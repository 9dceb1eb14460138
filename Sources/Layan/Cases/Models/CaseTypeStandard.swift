import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A type's service standard when the agency sets one other than PKPA's default.
final class CaseTypeStandard: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_type_standards"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: CaseType
    @Field(key: "acknowledge_days") var acknowledgeDays: Int
    @Field(key: "resolve_days") var resolveDays: Int

    init() {}

    var standard: ServiceStandard { ServiceStandard(acknowledgeWorkingDays: acknowledgeDays, resolveWorkingDays: resolveDays) }
}

/// A branch's own working days for a case type, set by the charter's branch standards (issue #19); a nil clock keeps
/// the type's. A case takes them when it is filed at that branch.
final class CaseBranchStandard: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_branch_standards"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: CaseType
    @Field(key: "branch_id") var branchID: UUID
    @OptionalField(key: "acknowledge_days") var acknowledgeDays: Int?
    @OptionalField(key: "resolve_days") var resolveDays: Int?

    init() {}
}
