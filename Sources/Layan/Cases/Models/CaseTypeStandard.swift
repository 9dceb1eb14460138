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
