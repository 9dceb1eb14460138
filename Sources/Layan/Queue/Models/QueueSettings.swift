import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// The calling rules of a branch: which categories are priority, the interleaving ratio, the ageing cap,
/// and how many recalls before a no-show.
final class QueueSettings: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "queue_settings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "priority_categories") var priorityCategories: [CustomerCategory]
    @Field(key: "priority_share") var priorityShare: Int
    @Field(key: "regular_share") var regularShare: Int
    @Field(key: "ageing_cap_minutes") var ageingCapMinutes: Int
    @Field(key: "recalls_before_no_show") var recallsBeforeNoShow: Int

    init() {}

    static func defaults(branchID: UUID) -> QueueSettings {
        let settings = QueueSettings()
        settings.$branch.id = branchID
        settings.priorityCategories = CustomerCategory.allCases.filter(\.isPriorityByDefault)
        settings.priorityShare = 1
        settings.regularShare = 2
        settings.ageingCapMinutes = 30
        settings.recallsBeforeNoShow = 2
        return settings
    }

    var policy: CallingPolicy {
        CallingPolicy(priorityShare: priorityShare, regularShare: regularShare, ageingCap: Double(ageingCapMinutes * 60))
    }
}
