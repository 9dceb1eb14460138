import Fluent
import LayanCore
import Vapor

/// The supervisor's queue screen (waiting against the charter target, Erlang C staffing advice, midday
/// cover) and the day's figures per service, counter and officer, as a page and as JSON.
struct QueueSupervisorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let supervisor = routes.access(.staff(.superviseQueue))
        supervisor.get(.queue(.supervise), use: supervise)
        supervisor.get(.queue(.figures), use: figuresPage)
        supervisor.get(.api(.queueFigures(":code")), use: figuresAPI)
    }

    struct AdviceRow: Encodable, Sendable {
        let service: String; let waiting: Int; let open: Int; let projected: Int?; let target: Int; let over: Bool
        let needed: Int?; let recommendsMore: Bool; let arrivals: Int
    }

    struct SupervisePage: Encodable, Sendable {
        let layout: LayoutContext
        let branches: [Choice]
        let branchName: String
        let rows: [AdviceRow]
        let middayWarning: Bool
        let figuresHref: String
    }

    /// The branch asked for, or the officer's own, or the first.
    private func branch(_ req: Request, code: String? = nil) async throws -> Branch {
        let branch = try await QueueEngine.branch(for: req, code: code ?? req.query[String.self, at: "branch"])
        try req.requireInScope(branch: branch.id)
        return branch
    }

    func supervise(req: Request) async throws -> View {
        let branch = try await branch(req)
        let now = req.application.clock.now()
        let branchID = try branch.requireID()
        let state = try await QueueStateBuilder.build(branchID: branchID, on: req.db, now: now)
        let services = try await QueueService.query(on: req.db).filter(\.$branch.$id == branchID).filter(\.$active == true).sort(\.$letter).all()
        let hourAgo = now.addingTimeInterval(-3600)
        let recent = try await Ticket.query(on: req.db).filter(\.$branch.$id == branchID).filter(\.$issuedAt >= hourAgo).all()
        let rows = services.map { service -> AdviceRow in
            let now = state.services.first { $0.id == service.id }
            let arrivals = recent.filter { $0.firstServiceID == service.id }.count
            let advice = StaffingAdvice(waiting: now?.waiting ?? 0, openCounters: now?.openCounters ?? 0, arrivalsPerHour: Double(arrivals),
                                        handlingSeconds: service.averageHandlingSeconds, targetSeconds: Double(service.targetWaitMinutes * 60))
            return AdviceRow(service: "\(service.letter) · \(service.name(in: req.language))", waiting: now?.waiting ?? 0, open: advice.openCounters,
                             projected: advice.projectedWaitSeconds.map(WaitEstimate.minutes), target: service.targetWaitMinutes,
                             over: advice.overTarget, needed: advice.countersNeeded, recommendsMore: advice.recommendsMore, arrivals: arrivals)
        }
        let waiting = state.services.reduce(0) { $0 + $1.waiting }
        let open = state.counters.filter { $0.status == .open }.count
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        return try await req.view.render("Queue/supervise", SupervisePage(
            layout: await LayoutContext.make(for: req, title: req.t("supervise.title")),
            branches: branches.map { Choice(value: $0.code, label: $0.name, selected: $0.id == branch.id) },
            branchName: branch.name, rows: rows,
            middayWarning: MiddayCover.warning(at: now, hours: branch.hours, openCounters: open, waiting: waiting),
            figuresHref: SiteURL.queue(.figures).path(["branch": branch.code])))
    }

    /// The day's figures: for the branch, and per service, counter and officer.
    struct Figures: Content {
        struct Group: Content { let key: String; let name: String; let figures: QueueFigures }
        let branch: String
        let date: String
        let total: QueueFigures
        let services: [Group]
        let counters: [Group]
        let officers: [Group]
    }

    static func figures(branch: Branch, date: LocalDate, on db: any Database, language: Language) async throws -> Figures {
        let branchID = try branch.requireID()
        let tickets = try await Ticket.query(on: db).filter(\.$branch.$id == branchID).filter(\.$serviceDate == date.iso).all()
        let services = try await QueueService.query(on: db).filter(\.$branch.$id == branchID).all()
        let counters = try await Counter.query(on: db).filter(\.$branch.$id == branchID).all()
        let officerIDs = Set(tickets.compactMap { $0.$officer.id })
        let officers = try await Staff.query(on: db).filter(\.$id ~~ officerIDs).all()
        let targets = Dictionary(uniqueKeysWithValues: services.map { ($0.id!, Double($0.targetWaitMinutes * 60)) })
        let visits = tickets.map { t in
            (t, VisitRecord(serviceID: t.$service.id, counterID: t.$counter.id, officerID: t.$officer.id, status: t.status, arrivedAt: t.arrivedAt,
                            calledAt: t.calledAt, servingStartedAt: t.servingStartedAt, completedAt: t.completedAt, transfers: t.transfers,
                            targetSeconds: t.targetWaitMinutes.map { Double($0 * 60) } ?? targets[t.$service.id] ?? 900))
        }
        func groups<K: Hashable>(_ key: (VisitRecord) -> K?, _ name: (K) -> String, _ text: (K) -> String) -> [Figures.Group] {
            Dictionary(grouping: visits.map(\.1).filter { key($0) != nil }, by: { key($0)! })
                .map { Figures.Group(key: text($0.key), name: name($0.key), figures: QueueFigures($0.value)) }
                .sorted { $0.name < $1.name }
        }
        return Figures(
            branch: branch.code, date: date.iso, total: QueueFigures(visits.map(\.1)),
            services: groups({ $0.serviceID }, { id in services.first { $0.id == id }.map { "\($0.letter) · \($0.name(in: language))" } ?? "?" }, { $0.uuidString }),
            counters: groups({ $0.counterID }, { id in counters.first { $0.id == id }.map { "\($0.number)" } ?? "?" }, { $0.uuidString }),
            officers: groups({ $0.officerID }, { id in officers.first { $0.id == id }?.name ?? "?" }, { $0.uuidString }))
    }

    private func date(_ req: Request) throws -> LocalDate {
        guard let text = req.query[String.self, at: "date"], !text.isEmpty else { return LocalDate(req.application.clock.now()) }
        guard let date = LocalDate(text) else { throw ValidationFailure(["date": req.t("form.error.date")], status: .badRequest) }
        return date
    }

    func figuresAPI(req: Request) async throws -> Figures {
        let branch = try await branch(req, code: req.parameters.get("code"))
        return try await Self.figures(branch: branch, date: try date(req), on: req.db, language: req.language)
    }

    struct FigureRow: Encodable, Sendable {
        let name: String; let issued: Int; let served: Int; let noShows: Int; let transfers: Int
        let meanWait: String; let p90Wait: String; let withinTarget: String; let meanService: String
    }

    struct FiguresPage: Encodable, Sendable {
        let layout: LayoutContext
        let branches: [Choice]
        let date: String
        let total: FigureRow
        let services: [FigureRow]
        let counters: [FigureRow]
        let officers: [FigureRow]
    }

    func figuresPage(req: Request) async throws -> View {
        let branch = try await branch(req)
        let day = try date(req)
        let figures = try await Self.figures(branch: branch, date: day, on: req.db, language: req.language)
        func minutes(_ s: Double?) -> String { s.map { String(format: "%.1f", $0 / 60) } ?? "—" }
        func row(_ name: String, _ f: QueueFigures) -> FigureRow {
            FigureRow(name: name, issued: f.issued, served: f.served, noShows: f.noShows, transfers: f.transfers,
                      meanWait: minutes(f.meanWaitSeconds), p90Wait: minutes(f.p90WaitSeconds),
                      withinTarget: f.withinTarget.map { "\(Int(($0 * 100).rounded())) %" } ?? "—", meanService: minutes(f.meanServiceSeconds))
        }
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        return try await req.view.render("Queue/figures", FiguresPage(
            layout: await LayoutContext.make(for: req, title: req.t("figures.title")),
            branches: branches.map { Choice(value: $0.code, label: $0.name, selected: $0.id == branch.id) },
            date: MalaysianTime.shortDate(day.startInstant), total: row(req.t("figures.total"), figures.total),
            services: figures.services.map { row($0.name, $0.figures) },
            counters: figures.counters.map { row("\(req.t("console.counter")) \($0.name)", $0.figures) },
            officers: figures.officers.map { row($0.name, $0.figures) }))
    }
}
