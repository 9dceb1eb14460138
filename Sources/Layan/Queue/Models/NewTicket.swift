import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A ticket as issued, before anything happens to it. A value, not a Fluent model: issuing is done for every
/// customer who takes a number, and making and reading a model's two dozen property wrappers cost more than
/// writing the ticket (docs/benchmarks.md).
struct NewTicket: Sendable {
    let id: UUID
    let branchID: UUID
    let serviceID: UUID
    let serviceDate: String
    let number: Int
    let label: String
    let category: CustomerCategory
    let isPriority: Bool
    let channel: String
    let issuedAt: Date
    /// The secret in the ticket's status link.
    let statusKey: String
    /// What the customer is told, kept for measuring the estimate.
    let estimatedWaitSeconds: Double?

    /// Every column as Fluent would store the model (`Ticket`): waiting, arrived when issued.
    static let shape = TableShape<NewTicket>(Ticket.schema, [
        .init("id") { $0.id }, .init("branch_id") { $0.branchID }, .init("service_id") { $0.serviceID },
        .init("service_date") { $0.serviceDate }, .init("number") { $0.number }, .init("label") { $0.label },
        .init("category") { $0.category.rawValue }, .init("is_priority") { $0.isPriority }, .init("status") { _ in TicketStatus.waiting.rawValue },
        .init("channel") { $0.channel }, .init("issued_at") { $0.issuedAt }, .init("arrived_at") { $0.issuedAt },
        .null("counter_id"), .null("officer_id"), .null("called_at"), .init("recalls") { _ in 0 },
        .null("serving_started_at"), .null("completed_at"), .init("transfers") { _ in 0 },
        .init("first_service_id") { $0.serviceID }, .null("difficult"), .init("status_key") { $0.statusKey },
        .init("estimated_wait_seconds") { $0.estimatedWaitSeconds },
    ])

    /// The stored ticket as a model, for the pages that show one.
    var model: Ticket {
        let ticket = Ticket()
        ticket.id = id
        ticket.$branch.id = branchID
        ticket.$service.id = serviceID
        ticket.firstServiceID = serviceID
        ticket.serviceDate = serviceDate
        ticket.number = number
        ticket.label = label
        ticket.category = category
        ticket.isPriority = isPriority
        ticket.status = .waiting
        ticket.channel = channel
        ticket.issuedAt = issuedAt
        ticket.arrivedAt = issuedAt
        ticket.recalls = 0
        ticket.transfers = 0
        ticket.statusKey = statusKey
        ticket.estimatedWaitSeconds = estimatedWaitSeconds
        ticket.$id.exists = true
        return ticket
    }
}
