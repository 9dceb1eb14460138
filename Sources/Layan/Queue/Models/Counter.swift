import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A counter (kaunter) of a branch: its number, kind, the services it takes, and who is at it.
final class Counter: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "counters"
    static let auditEntity = "counter"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "number") var number: Int
    @Field(key: "type") var type: CounterType
    @Field(key: "service_ids") var serviceIDs: [UUID]
    @Field(key: "status") var status: CounterStatus
    @OptionalParent(key: "officer_id") var officer: Staff?
    @Field(key: "priority_in_a_row") var priorityInARow: Int
    @Field(key: "regular_in_a_row") var regularInARow: Int

    init() {}

    init(branchID: UUID, number: Int, type: CounterType, serviceIDs: [UUID]) {
        self.$branch.id = branchID
        self.number = number
        self.type = type
        self.serviceIDs = serviceIDs
        self.status = .closed
        self.priorityInARow = 0
        self.regularInARow = 0
    }

    var streak: CallStreak { CallStreak(priorityInARow: priorityInARow, regularInARow: regularInARow) }

    var auditSnapshot: [String: String?] {
        ["number": "\(number)", "type": type.rawValue, "service_ids": serviceIDs.map(\.uuidString).sorted().joined(separator: ",")]
    }
}
