import Fluent
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// The queue's JSON API (`/api/v1/queue`), in the OpenAPI document with these operation ids:
/// issueTicket, getTicket, callNext, recallTicket, markNoShow, completeTicket, transferTicket, getQueueState.
struct QueueAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.api(.queueIssue)).post(.api(.issueTicket), use: issueTicket)
        routes.access(.api(.queueRead)).get(.api(.ticket(":ticketID")), use: getTicket)
        routes.access(.anyone).get(.api(.queueState(":code")), use: getQueueState)
        let counter = routes.access(.staff(.operateCounter))
        counter.post(.api(.callNext(":counterID")), use: callNext)
        counter.post(.api(.recall(":ticketID")), use: recall)
        counter.post(.api(.noShow(":ticketID")), use: noShow)
        counter.post(.api(.complete(":ticketID")), use: complete)
        counter.post(.api(.startServing(":ticketID")), use: startServing)
        counter.post(.api(.transfer(":ticketID")), use: transfer)
    }

    struct IssueRequest: Content {
        var branch: String
        var serviceId: UUID
        var category: String?
    }

    /// A ticket as the API returns it.
    struct TicketDTO: Content {
        let id: UUID
        let label: String
        let status: TicketStatus
        let category: CustomerCategory
        let priority: Bool
        let serviceId: UUID
        let issuedAt: Date
        let calledAt: Date?
        let counter: Int?
        let position: Int?
        let estimatedWaitMinutes: Int?
        let statusUrl: String
    }

    static func dto(_ ticket: Ticket, for req: Request) async throws -> TicketDTO {
        try await dto(ticket, now: req.application.clock.now(), setups: req.application.queueSetupCache, on: req.db)
    }

    static func dto(_ ticket: Ticket, now: Date, setups: QueueSetupCache, on db: any Database) async throws -> TicketDTO {
        let counter = try await ticket.$counter.get(on: db)
        let wait = try await QueueEngine.wait(of: ticket, now: now, setups: setups, on: db)
        return dto(ticket, counter: counter?.number, position: wait?.position, estimatedWaitMinutes: wait?.seconds.map(WaitEstimate.minutes))
    }

    static func dto(_ ticket: Ticket, counter: Int?, position: Int?, estimatedWaitMinutes: Int?) -> TicketDTO {
        TicketDTO(id: ticket.id!, label: ticket.label, status: ticket.status, category: ticket.category, priority: ticket.isPriority,
                  serviceId: ticket.$service.id, issuedAt: ticket.issuedAt, calledAt: ticket.calledAt, counter: counter,
                  position: position, estimatedWaitMinutes: estimatedWaitMinutes, statusUrl: QueueURL.ticket(ticket))
    }

    func issueTicket(req: Request) async throws -> Response {
        let body = try req.decodeJSONBody(IssueRequest.self)
        var category = CustomerCategory.regular
        if let raw = body.category {
            guard let parsed = CustomerCategory(rawValue: raw) else {
                throw ValidationFailure(["category": "must be one of \(CustomerCategory.allCases.map(\.rawValue).joined(separator: ", "))"],
                                        reason: req.application.catalogue.bilingual(QueueError.invalidCategory.catalogueKey))
            }
            category = parsed
        }
        guard let branchID = try await req.application.branchDirectory.branch(code: body.branch, on: req.db.sql)?.id else {
            throw QueueError.unknownBranch
        }
        let issued = try await QueueEngine(request: req).issue(branchID: branchID, serviceID: body.serviceId, category: category, channel: "api")
        let ticket = issued.ticket
        // Everything the answer needs is known from issuing it: no more reads, no model.
        return try TicketDTO(id: ticket.id, label: ticket.label, status: .waiting, category: ticket.category, priority: ticket.isPriority,
                             serviceId: ticket.serviceID, issuedAt: ticket.issuedAt, calledAt: nil, counter: nil, position: issued.position,
                             estimatedWaitMinutes: ticket.estimatedWaitSeconds.map(WaitEstimate.minutes),
                             statusUrl: QueueURL.ticket(id: ticket.id, key: ticket.statusKey))
            .jsonResponse(status: .created)
    }

    func getTicket(req: Request) async throws -> TicketDTO {
        guard let id = req.parameters.get("ticketID", as: UUID.self), let ticket = try await Ticket.find(id, on: req.db) else {
            throw QueueError.unknownTicket
        }
        try req.requireInScope(branch: ticket.$branch.id)
        return try await Self.dto(ticket, for: req)
    }

    func getQueueState(req: Request) async throws -> QueueState {
        let branch = try await QueueEngine.branch(code: req.parameters.get("code") ?? "", on: req.db)
        return try await QueueStateBuilder.build(branchID: branch.requireID(), on: req.db, now: req.application.clock.now())
    }

    func callNext(req: Request) async throws -> Response {
        guard let id = req.parameters.get("counterID", as: UUID.self) else { throw QueueError.unknownCounter }
        guard let ticket = try await QueueEngine(request: req).callNext(counterID: id, officer: req.staff!) else {
            return Response(status: .noContent)
        }
        return try await Self.dto(ticket, for: req).encodeResponse(for: req)
    }

    private func ticketID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("ticketID", as: UUID.self) else { throw QueueError.unknownTicket }
        return id
    }

    func recall(req: Request) async throws -> TicketDTO {
        try await Self.dto(try await QueueEngine(request: req).recall(try ticketID(req), officer: req.staff!), for: req)
    }

    func noShow(req: Request) async throws -> TicketDTO {
        try await Self.dto(try await QueueEngine(request: req).markNoShow(try ticketID(req), officer: req.staff!), for: req)
    }

    struct CompleteRequest: Content { var difficult: String? }

    func startServing(req: Request) async throws -> TicketDTO {
        try await Self.dto(try await QueueEngine(request: req).start(try ticketID(req), officer: req.staff!), for: req)
    }

    func complete(req: Request) async throws -> TicketDTO {
        let body = (try? req.content.decode(CompleteRequest.self)) ?? CompleteRequest()
        var difficult: DifficultCustomer?
        if let raw = body.difficult, !raw.isEmpty {
            guard let parsed = DifficultCustomer(rawValue: raw) else { throw ValidationFailure(["difficult": "unknown type"]) }
            difficult = parsed
        }
        return try await Self.dto(try await QueueEngine(request: req).complete(try ticketID(req), officer: req.staff!, difficult: difficult), for: req)
    }

    struct TransferRequest: Content { var serviceId: UUID }

    func transfer(req: Request) async throws -> TicketDTO {
        let body = try req.content.decode(TransferRequest.self)
        return try await Self.dto(try await QueueEngine(request: req).transfer(try ticketID(req), to: body.serviceId, officer: req.staff!), for: req)
    }
}

/// Public links of the queue that carry a ticket's secret.
enum QueueURL {
    static func ticket(_ ticket: Ticket) -> String { self.ticket(id: ticket.id!, key: ticket.statusKey) }
    static func ticket(id: UUID, key: String) -> String { SiteURL.queue(.ticket(id.uuidString)).path(["k": key]) }
    static func qr(_ ticket: Ticket) -> String { SiteURL.queue(.ticketQR(ticket.id!.uuidString)).path(["k": ticket.statusKey]) }
    static func branch(_ code: String) -> String { SiteURL.queue(.branch(code)).path }
    static func kiosk(_ code: String) -> String { SiteURL.queue(.kiosk(code)).path }
    static func display(_ code: String) -> String { SiteURL.queue(.display(code)).path }
    static func events(_ code: String) -> String { SiteURL.queue(.events(code)).path }
}
