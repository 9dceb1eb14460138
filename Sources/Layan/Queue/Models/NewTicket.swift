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

    /// Writes the ticket in one statement, every column as Fluent would store it: waiting, arrived when issued.
    func insert(on sql: any SQLDatabase) async throws {
        try await sql.insertRow(into: Ticket.schema, [
            "id": id, "branch_id": branchID, "service_id": serviceID, "service_date": serviceDate, "number": number, "label": label,
            "category": category.rawValue, "is_priority": isPriority, "status": TicketStatus.waiting.rawValue, "channel": channel,
            "issued_at": issuedAt, "arrived_at": issuedAt, "counter_id": nil, "officer_id": nil, "called_at": nil, "recalls": 0,
            "serving_started_at": nil, "completed_at": nil, "transfers": 0, "first_service_id": serviceID,
            "difficult": nil, "status_key": statusKey, "estimated_wait_seconds": estimatedWaitSeconds,
        ])
    }

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
