import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A queue ticket. `arrivedAt` is the customer's first arrival and survives transfers.
final class Ticket: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "tickets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Parent(key: "service_id") var service: QueueService
    @Field(key: "service_date") var serviceDate: String
    @Field(key: "number") var number: Int
    @Field(key: "label") var label: String
    @Field(key: "category") var category: CustomerCategory
    @Field(key: "is_priority") var isPriority: Bool
    @Field(key: "status") var status: TicketStatus
    @Field(key: "channel") var channel: String
    @Field(key: "issued_at") var issuedAt: Date
    @Field(key: "arrived_at") var arrivedAt: Date
    @OptionalParent(key: "counter_id") var counter: Counter?
    @OptionalParent(key: "officer_id") var officer: Staff?
    @OptionalField(key: "called_at") var calledAt: Date?
    @Field(key: "recalls") var recalls: Int
    @OptionalField(key: "serving_started_at") var servingStartedAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @Field(key: "transfers") var transfers: Int
    /// The service the customer first came for, for the figures.
    @Field(key: "first_service_id") var firstServiceID: UUID
    @OptionalField(key: "difficult") var difficult: DifficultCustomer?
    /// The secret in the ticket's status link, so ticket ids cannot be enumerated.
    @Field(key: "status_key") var statusKey: String
    /// What the customer was told at issue, for measuring the estimate.
    @OptionalField(key: "estimated_wait_seconds") var estimatedWaitSeconds: Double?
    /// Kept for the Client Charter when the ticket is first called: how long the customer waited, the
    /// target in force then, and whether it was met.
    @OptionalField(key: "wait_seconds") var waitSeconds: Double?
    @OptionalField(key: "target_wait_minutes") var targetWaitMinutes: Int?
    @OptionalField(key: "met_target") var metTarget: Bool?
    /// Kept for the Client Charter when the visit is done: from being served to done.
    @OptionalField(key: "service_seconds") var serviceSeconds: Double?

    init() {}

    var waiting: WaitingTicket {
        WaitingTicket(id: id!, serviceID: $service.id, isPriority: isPriority, arrivedAt: arrivedAt)
    }
}
