import Fluent
import Foundation
import LayanCore

/// A service recovery (Sistem Pemulihan Perkhidmatan, domain.md §5): why the service failed, what was done for
/// the customer, the corrective action that stops a repeat (owner, due date) and the follow-up with the customer.
/// Reactive ones belong to a substantiated complaint; proactive ones are opened before any complaint.
final class ServiceRecoveryRecord: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "service_recoveries"

    @ID(key: .id) var id: UUID?
    @OptionalParent(key: "case_id") var caseRecord: CaseRecord?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "proactive") var proactive: Bool
    @OptionalField(key: "customer_name") var customerName: String?
    @OptionalField(key: "customer_contact") var customerContact: String?
    @Field(key: "cause") var cause: FailureCause
    @Field(key: "what_failed") var whatFailed: String
    @Field(key: "given") var given: [RecoveryGiven]
    @OptionalField(key: "given_note") var givenNote: String?
    @Field(key: "corrective_action") var correctiveAction: String
    @Parent(key: "owner_id") var owner: Staff
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "done_at") var doneAt: Date?
    @OptionalField(key: "follow_up_on") var followUpOn: String?
    @OptionalField(key: "followed_up_at") var followedUpAt: Date?
    @OptionalField(key: "follow_up_note") var followUpNote: String?
    @OptionalParent(key: "created_by") var createdBy: Staff?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
