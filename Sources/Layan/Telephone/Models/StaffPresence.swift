import Fluent
import Foundation
import LayanCore

/// Where an officer is, for the operator who is about to transfer a caller (PKPA 1/2008, telephone rules 5 and 8):
/// in, out of the office, or on leave, until a date. Being at a counter is read from the queue's counters.
final class StaffPresence: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "staff_presence"

    enum State: String, Codable, Sendable, CaseIterable {
        case inOffice = "in", outOfOffice = "out_of_office", onLeave = "on_leave"
        var catalogueKey: String { "presence.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "staff_id") var staff: Staff
    @Field(key: "state") var state: State
    /// The last day of the absence (inclusive); after it the officer counts as in.
    @OptionalField(key: "until_day") var untilDay: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// The state on `today`: an absence that has ended counts as in.
    func state(on today: LocalDate) -> State {
        guard state != .inOffice else { return .inOffice }
        if let text = untilDay, let until = LocalDate(text), until < today { return .inOffice }
        return state
    }
}
