import Fluent
import LayanCore
import Vapor

/// The counter officer's console: sign in to a counter, call, recall, serve, complete, transfer, pause.
/// Works as plain forms; with JavaScript it also refreshes itself when the queue changes.
struct CounterConsoleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let officer = routes.access(.staff(.operateCounter))
        officer.get(.queue(.console), use: page)
        officer.post(.queue(.counterAction(":counterID", ":action")), use: counterAction)
        officer.post(.queue(.ticketAction(":ticketID", ":action")), use: ticketAction)
    }

    struct CounterChoice: Encodable, Sendable {
        let id: String; let number: Int; let type: String; let status: String; let services: String; let busy: Bool; let openAction: String
    }
    struct WaitingRow: Encodable, Sendable { let label: String; let service: String; let category: String; let priority: Bool; let waited: Int }
    struct Option: Encodable, Sendable { let value: String; let label: String }
    struct Guidance: Encodable, Sendable { let type: String; let text: String }

    struct CurrentTicket: Encodable, Sendable {
        let id: String; let label: String; let service: String; let category: String; let status: String; let statusCode: String
        let recalls: Int; let canNoShow: Bool; let canRecall: Bool; let difficult: String?
        /// Where each of the ticket's buttons posts, by action.
        let actions: [String: String]
    }

    /// Where each button posts, keyed by the action in camel case for the view (`noShow` posts to `…/no-show`).
    static func actions(_ names: [String], _ url: (String) -> SiteURL.Queue) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { name in
            let parts = name.split(separator: "-")
            return (parts[0] + parts.dropFirst().map(\.capitalized).joined(), SiteURL.queue(url(name)).path)
        })
    }

    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let csrf: String
        let counters: [CounterChoice]
        let counter: CounterChoice?
        let counterID: String?
        let paused: Bool
        let current: CurrentTicket?
        let waiting: [WaitingRow]
        let services: [Option]
        let difficultTypes: [Option]
        let guidance: [Guidance]
        let events: String?
        /// Where the chosen counter's buttons post, by action.
        let counterActions: [String: String]?
        let branchName: String?
        /// Recalls before a no-show may be marked, for the hint beside the disabled button.
        let recallsNeeded: Int
        /// A customer is called and not yet served: "next" would pass over them, so it is not offered.
        let awaitingCustomer: Bool
        let serving: Bool
    }

    func page(req: Request) async throws -> View {
        let officer = req.staff!
        let now = req.application.clock.now()
        let mine = try await Counter.query(on: req.db).filter(\.$officer.$id == officer.id).filter(\.$status != .closed).first()
        let branchID = mine?.$branch.id ?? officer.branchID
        let counters = try await Counter.query(on: req.db).filter(\.$branch.$id == (branchID ?? UUID())).sort(\.$number).all()
        let services = try await QueueService.query(on: req.db).filter(\.$branch.$id == (branchID ?? UUID())).sort(\.$letter).all()
        let serviceNames = Dictionary(uniqueKeysWithValues: services.map { ($0.id!, "\($0.letter) · \($0.name(in: req.language))") })
        func choice(_ c: Counter) -> CounterChoice {
            CounterChoice(id: c.id!.uuidString, number: c.number, type: req.t(c.type.catalogueKey), status: c.status.rawValue,
                          services: c.serviceIDs.compactMap { serviceNames[$0] }.joined(separator: ", "),
                          busy: c.status != .closed && c.$officer.id != officer.id, openAction: SiteURL.queue(.counterAction(c.id!.uuidString, "open")).path)
        }
        var current: CurrentTicket?
        var waiting: [WaitingRow] = []
        var guidance: [Guidance] = []
        var recallsNeeded = 0
        if let mine {
            let settings = try await QueueEngine.settings(branchID: mine.$branch.id, on: req.db)
            recallsNeeded = settings.recallsBeforeNoShow
            if let ticket = try await QueueEngine.currentTicket(of: mine, on: req.db) {
                current = CurrentTicket(id: ticket.id!.uuidString, label: ticket.label, service: serviceNames[ticket.$service.id] ?? "",
                                        category: req.t(ticket.category.catalogueKey), status: req.t(ticket.status.catalogueKey),
                                        statusCode: ticket.status.rawValue, recalls: ticket.recalls,
                                        canNoShow: ticket.status == .called && ticket.recalls >= settings.recallsBeforeNoShow,
                                        canRecall: ticket.status == .called && ticket.recalls < settings.recallsBeforeNoShow,
                                        difficult: ticket.difficult.map { req.t($0.catalogueKey) },
                                        actions: Self.actions(["start", "recall", "no-show", "complete", "transfer", "tag"]) { .ticketAction(ticket.id!.uuidString, $0) })
                if let difficult = ticket.difficult { guidance = [Guidance(type: req.t(difficult.catalogueKey), text: req.t(difficult.guidanceKey))] }
            }
            waiting = try await Ticket.query(on: req.db).filter(\.$branch.$id == mine.$branch.id).filter(\.$status == .waiting)
                .filter(\.$service.$id ~~ mine.serviceIDs).sort(\.$arrivedAt).sort(\.$number).limit(50).all().map { t in
                    WaitingRow(label: t.label, service: serviceNames[t.$service.id] ?? "", category: req.t(t.category.catalogueKey),
                               priority: t.isPriority, waited: Int(now.timeIntervalSince(t.arrivedAt) / 60))
                }
        }
        let branch = try await Branch.find(branchID ?? UUID(), on: req.db)
        let branchCode = branch?.code
        return try await req.view.render("Queue/console", Page(
            layout: await LayoutContext.make(for: req, title: req.t("console.title")), csrf: try await req.csrfToken(),
            counters: counters.map(choice), counter: mine.map(choice), counterID: mine?.id?.uuidString, paused: mine?.status == .paused,
            current: current, waiting: waiting,
            services: services.map { Option(value: $0.id!.uuidString, label: serviceNames[$0.id!]!) },
            difficultTypes: DifficultCustomer.allCases.map { Option(value: $0.rawValue, label: req.t($0.catalogueKey)) },
            guidance: guidance, events: branchCode.map(QueueURL.events),
            counterActions: mine.map { counter in Self.actions(["resume", "pause", "close", "call-next"]) { .counterAction(counter.id!.uuidString, $0) } },
            branchName: branch?.name, recallsNeeded: recallsNeeded,
            awaitingCustomer: current?.statusCode == TicketStatus.called.rawValue, serving: current?.statusCode == TicketStatus.serving.rawValue))
    }

    func counterAction(req: Request) async throws -> Response {
        guard let counterID = req.parameters.get("counterID", as: UUID.self) else { throw QueueError.unknownCounter }
        let engine = QueueEngine(request: req)
        let officer = req.staff!
        switch req.parameters.get("action") ?? "" {
        case "open": _ = try await engine.openCounter(counterID, officer: officer)
        case "pause": _ = try await engine.setCounter(counterID, status: .paused, officer: officer)
        case "resume": _ = try await engine.setCounter(counterID, status: .open, officer: officer)
        case "close": _ = try await engine.setCounter(counterID, status: .closed, officer: officer)
        case "call-next":
            if try await engine.callNext(counterID: counterID, officer: officer) == nil {
                try await req.flash("info", req.t("console.nobody"))
            }
        default: throw Abort(.notFound)
        }
        return req.seeOther(.queue(.console))
    }

    func ticketAction(req: Request) async throws -> Response {
        guard let ticketID = req.parameters.get("ticketID", as: UUID.self) else { throw QueueError.unknownTicket }
        let engine = QueueEngine(request: req)
        let officer = req.staff!
        let fields = req.formFields()
        switch req.parameters.get("action") ?? "" {
        case "recall": _ = try await engine.recall(ticketID, officer: officer)
        case "no-show":
            let ticket = try await engine.markNoShow(ticketID, officer: officer)
            try await req.flash("success", req.t("console.done.noShow", ["ticket": ticket.label]))
        case "start": _ = try await engine.start(ticketID, officer: officer)
        case "complete":
            let ticket = try await engine.complete(ticketID, officer: officer)
            try await req.flash("success", req.t("console.done.complete", ["ticket": ticket.label]))
        case "tag":
            guard let type = fields["difficult"].flatMap(DifficultCustomer.init(rawValue:)) else { throw ValidationFailure(["difficult": req.t("form.error.choose")]) }
            _ = try await engine.tag(ticketID, difficult: type, officer: officer)
        case "transfer":
            guard let serviceID = fields["service"].flatMap(UUID.init(uuidString:)) else { throw QueueError.unknownService }
            let ticket = try await engine.transfer(ticketID, to: serviceID, officer: officer)
            try await req.flash("success", req.t("console.done.transfer", ["ticket": ticket.label]))
        default: throw Abort(.notFound)
        }
        return req.seeOther(.queue(.console))
    }
}
