import Fluent
import LayanCore
import Vapor

/// The public side of the queue: take a number (kiosk or web), the ticket and its live status with a QR
/// code, the display board and its live event stream.
struct PublicQueueController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.queue(.branches), use: branches)
        open.get(.queue(.branch(":code")), use: branchPage)
        open.get(.queue(.kiosk(":code")), use: kiosk)
        open.post(.queue(.issue(":code")), use: issue)
        open.get(.queue(.display(":code")), use: display)
        open.get(.queue(.events(":code")), use: events)
        open.get(.queue(.ticket(":ticketID")), use: ticketPage)
        open.get(.queue(.ticketQR(":ticketID")), use: qrCode)
    }

    struct ServiceChoice: Encodable, Sendable {
        let id: String; let letter: String; let name: String; let waiting: Int; let estimate: Int?; let href: String
    }

    struct CategoryChoice: Encodable, Sendable { let value: String; let label: String; let priority: Bool }

    struct TakeNumberPage: Encodable, Sendable {
        let layout: LayoutContext
        let branchName: String
        let hoursToday: String?
        let services: [ServiceChoice]
        let chosen: ServiceChoice?
        let categories: [CategoryChoice]
        let action: String
        let csrf: String
        let kiosk: Bool
        let startOver: String
        let displayHref: String
        /// Numbers this phone took today at this branch, still open.
        let yours: [YourTicket]
    }

    struct YourTicket: Encodable, Sendable { let label: String; let service: String; let status: String; let href: String }

    struct BranchLink: Encodable, Sendable { let name: String; let state: String; let take: String; let display: String }
    struct BranchesPage: Encodable, Sendable { let layout: LayoutContext; let branches: [BranchLink] }

    func branches(req: Request) async throws -> View {
        let branches = try await Branch.query(on: req.db).sort(\.$name).all().map {
            BranchLink(name: $0.name, state: $0.state.name, take: QueueURL.branch($0.code), display: QueueURL.display($0.code))
        }
        return try await req.view.render("Queue/branches", BranchesPage(layout: await LayoutContext.make(for: req, title: req.t("queue.branches.title")), branches: branches))
    }

    private func branch(_ req: Request) async throws -> Branch {
        try await QueueEngine.branch(code: req.parameters.get("code") ?? "", on: req.db)
    }

    func branchPage(req: Request) async throws -> View { try await takeNumber(req, kiosk: false) }
    func kiosk(req: Request) async throws -> View { try await takeNumber(req, kiosk: true) }

    /// Service first, then category (design of the kiosk: two taps, large targets).
    private func takeNumber(_ req: Request, kiosk: Bool) async throws -> View {
        let branch = try await branch(req)
        let state = try await QueueStateBuilder.build(branchID: branch.requireID(), on: req.db, now: req.application.clock.now())
        let base = kiosk ? QueueURL.kiosk(branch.code) : QueueURL.branch(branch.code)
        let services = state.services.map { s in
            ServiceChoice(id: s.id.uuidString, letter: s.letter, name: req.language == .ms ? s.nameMs : s.nameEn, waiting: s.waiting,
                          estimate: s.estimatedWaitMinutes, href: "\(base)?service=\(s.id.uuidString)")
        }
        let chosen = req.query[String.self, at: "service"].flatMap { id in services.first { $0.id == id } }
        let settings = try await QueueEngine.settings(branchID: branch.requireID(), on: req.db)
        let categories = CustomerCategory.allCases.map {
            CategoryChoice(value: $0.rawValue, label: req.t($0.catalogueKey), priority: settings.priorityCategories.contains($0))
        }
        var yours: [YourTicket] = []
        if !kiosk {
            let remembered = WebTickets(req).entries
            let names = Dictionary(uniqueKeysWithValues: state.services.map { ($0.id, req.language == .ms ? $0.nameMs : $0.nameEn) })
            for ticket in try await Ticket.query(on: req.db).filter(\.$id ~~ remembered.map(\.id)).sort(\.$issuedAt).all()
            where ticket.$branch.id == branch.id && ticket.status.isOpen
                && remembered.contains(where: { $0.id == ticket.id && CSRFMiddleware.constantTimeEqual($0.key, ticket.statusKey) }) {
                yours.append(YourTicket(label: ticket.label, service: names[ticket.$service.id] ?? "", status: req.t(ticket.status.catalogueKey),
                                        href: QueueURL.ticket(ticket)))
            }
        }
        let page = TakeNumberPage(
            layout: await LayoutContext.make(for: req, title: req.t(kiosk ? "queue.kiosk.title" : "queue.take.title")),
            branchName: branch.name, hoursToday: state.hoursToday, services: services, chosen: chosen, categories: categories,
            action: SiteURL.queue(.issue(branch.code)).path, csrf: try await req.csrfToken(), kiosk: kiosk, startOver: base,
            displayHref: QueueURL.display(branch.code), yours: yours)
        return try await req.view.render(kiosk ? "Queue/kiosk" : "Queue/take", page)
    }

    func issue(req: Request) async throws -> Response {
        // Anonymous tickets are limited per address so a script cannot flood the queue; the branch's kiosks and
        // officers who issue tickets are not.
        let address = req.clientAddress
        if !req.application.settings.kioskAddresses.contains(address) && req.staff?.allows(.issueTickets) != true {
            try await RateLimit.queueTicket.check(req)
        }
        let branch = try await branch(req)
        let fields = req.formFields()
        guard let serviceID = fields["service"].flatMap(UUID.init(uuidString:)) else { throw QueueError.unknownService }
        guard let category = CustomerCategory(rawValue: fields["category"] ?? "regular") else { throw QueueError.invalidCategory }
        let channel = fields["channel"] == "kiosk" ? "kiosk" : "web"
        let ticket = try await QueueEngine(request: req).issue(branch: branch, serviceID: serviceID, category: category, channel: channel)
        guard channel == "web" else { return req.seeOther(QueueURL.ticket(ticket) + "&kiosk=1") }
        let response = req.seeOther(QueueURL.ticket(ticket))
        WebTickets(req).adding(id: try ticket.requireID(), key: ticket.statusKey).store(in: response, secure: req.application.settings.behindHTTPS)
        return response
    }

    struct TicketPage: Encodable, Sendable {
        let layout: LayoutContext
        let label: String
        let service: String
        let category: String
        let status: String
        let statusCode: String
        let position: Int?
        let estimate: Int?
        let counter: Int?
        let issued: String
        let qr: String
        let branchName: String
        let kiosk: Bool
        /// Where "take another number" leads: back to the kiosk at the kiosk, the web page on a phone.
        let anotherHref: String
        let refreshSeconds: Int?
        /// The five faces once served (issue #20), then the reason, then thanks.
        let rating: RatingController.TicketRating?
    }

    /// A ticket only opens with its secret key, so ticket ids cannot be enumerated.
    private func ticket(_ req: Request) async throws -> Ticket {
        guard let id = req.parameters.get("ticketID", as: UUID.self), let ticket = try await Ticket.find(id, on: req.db),
              let key = req.query[String.self, at: "k"], CSRFMiddleware.constantTimeEqual(key, ticket.statusKey) else {
            throw Abort(.notFound)
        }
        return ticket
    }

    func ticketPage(req: Request) async throws -> Response {
        let ticket = try await ticket(req)
        let dto = try await QueueAPIController.dto(ticket, for: req)
        let service = try await ticket.$service.get(on: req.db)
        let branch = try await ticket.$branch.get(on: req.db)
        let kiosk = req.query[String.self, at: "kiosk"] == "1"
        let page = TicketPage(
            layout: await LayoutContext.make(for: req, title: ticket.label), label: ticket.label, service: service.name(in: req.language),
            category: req.t(ticket.category.catalogueKey), status: req.t(ticket.status.catalogueKey), statusCode: ticket.status.rawValue,
            position: dto.position, estimate: dto.estimatedWaitMinutes, counter: dto.counter,
            issued: MalaysianTime.dateTime(ticket.issuedAt, in: req.language), qr: QueueURL.qr(ticket), branchName: branch.name,
            kiosk: kiosk, anotherHref: kiosk ? QueueURL.kiosk(branch.code) : QueueURL.branch(branch.code),
            refreshSeconds: kiosk ? 20 : (ticket.status.isOpen ? 20 : nil), rating: kiosk ? nil : try await RatingController.ticketRating(ticket, req))
        let response = try await req.render("Queue/ticket", page)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The QR code on the ticket opens its live status page.
    func qrCode(req: Request) async throws -> Response {
        let ticket = try await ticket(req)
        let base = req.headers.first(name: .host).map { (req.application.settings.behindHTTPS ? "https://" : "http://") + $0 } ?? ""
        let svg = try QRCode(text: base + QueueURL.ticket(ticket), errorCorrection: .medium).svg(moduleSize: 4, title: ticket.label)
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml", "Cache-Control": "private, max-age=86400"], body: .init(string: svg))
    }

    struct DisplayPage: Encodable, Sendable {
        let layout: LayoutContext
        let code: String
        let events: String
        let state: QueueState
        let current: QueueCall?
        let earlier: [QueueCall]
        let clock: Clock
    }

    /// The time on the board as first drawn; the page's script keeps it going.
    struct Clock: Encodable, Sendable { let iso: String; let text: String }

    /// The display board (PKPA 1/2008 counter rule 4: queue numbers where everyone can see them).
    func display(req: Request) async throws -> View {
        let branch = try await branch(req)
        let state = try await QueueStateBuilder.build(branchID: branch.requireID(), on: req.db, now: req.application.clock.now())
        return try await req.view.render("Queue/display", DisplayPage(
            layout: await LayoutContext.make(for: req, title: req.t("queue.display.title")), code: branch.code,
            events: QueueURL.events(branch.code), state: state, current: state.recentCalls.first, earlier: Array(state.recentCalls.dropFirst()),
            clock: Clock(iso: ISO8601DateFormatter().string(from: state.generatedAt), text: MalaysianTime.time(state.generatedAt, in: req.language))))
    }

    /// Server-Sent Events: the current state at once (so a reconnecting display catches up), then every call
    /// and change as it happens, and a heartbeat.
    func events(req: Request) async throws -> Response {
        let branch = try await branch(req)
        let branchID = try branch.requireID()
        let broadcaster = req.application.queueBroadcaster
        let (subscription, stream) = await broadcaster.subscribe(branchID: branchID)
        let first: ByteBuffer
        if let cached = await broadcaster.cachedState(branchID: branchID) {
            first = cached
        } else {
            let initial = try await QueueStateBuilder.build(branchID: branchID, on: req.db, now: req.application.clock.now())
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            first = QueueBroadcaster.frame(event: "state", id: 0, data: try encoder.encode(initial))
        }
        // A managed stream is ended by Vapor when the closure returns or throws (a display that went away
        // makes the next write throw); either way the subscription is dropped.
        let response = Response(status: .ok, body: .init(managedAsyncStream: { writer in
            do {
                try await writer.writeBuffer(ByteBuffer(string: "retry: 2000\n\n"))
                try await writer.writeBuffer(first)
                for await message in stream { try await writer.writeBuffer(message.bytes) }
            } catch {
                await broadcaster.unsubscribe(branchID: branchID, id: subscription)
                throw error
            }
            await broadcaster.unsubscribe(branchID: branchID, id: subscription)
        }))
        response.headers.replaceOrAdd(name: .contentType, value: "text/event-stream; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        response.headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        return response
    }
}
