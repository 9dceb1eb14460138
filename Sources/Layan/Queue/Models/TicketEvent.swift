import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// One change to a ticket, for the figures (issued, served, no-shows, transfers per counter and officer).
final class TicketEvent: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "ticket_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @Field(key: "branch_id") var branchID: UUID
    @Field(key: "kind") var kind: TicketEventKind
    @Field(key: "at") var at: Date
    @OptionalField(key: "counter_id") var counterID: UUID?
    @OptionalField(key: "officer_id") var officerID: UUID?
    @OptionalField(key: "service_id") var serviceID: UUID?
    @OptionalField(key: "to_service_id") var toServiceID: UUID?

    init() {}

    init(ticketID: UUID, branchID: UUID, kind: TicketEventKind, at: Date, counterID: UUID? = nil, officerID: UUID? = nil,
         serviceID: UUID? = nil, toServiceID: UUID? = nil) {
        self.id = .timeOrdered(at: at)
        self.$ticket.id = ticketID
        self.branchID = branchID
        self.kind = kind
        self.at = at
        self.counterID = counterID
        self.officerID = officerID
        self.serviceID = serviceID
        self.toServiceID = toServiceID
    }
}
