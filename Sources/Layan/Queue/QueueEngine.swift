import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Every change to a branch's queue goes through here: each in one write transaction, then announced to
/// the display boards and consoles. Rules come from LayanCore (`CallingPolicy`, `WaitEstimate`).
struct QueueEngine {
    let db: any Database
    let setupCache: QueueSetupCache
    let clock: any WallClock
    let broadcaster: QueueBroadcaster
    /// Set on PostgreSQL: changes are announced to every instance through NOTIFY.
    let relayed: Bool

    init(request: Request) {
        db = request.db
        setupCache = request.application.queueSetupCache
        clock = request.application.clock
        broadcaster = request.application.queueBroadcaster
        relayed = request.application.queueRelay != nil
    }

    init(app: Application, db: (any Database)? = nil, relayed: Bool = false) {
        self.db = db ?? app.db
        setupCache = app.queueSetupCache
        clock = app.clock
        broadcaster = app.queueBroadcaster
        self.relayed = relayed
    }

    /// Tells this instance's displays and consoles (the relay calls it for changes made anywhere).
    static func publishLocally(_ app: Application, branchID: UUID, call: QueueCall?) async {
        await QueueEngine(app: app).notify(branchID, call: call)
    }

    /// Tells every display and console of the branch: the call first (to announce), then the new state.
    /// A failure to build the state is logged, never thrown: the change itself is already committed.
    func notify(_ branchID: UUID, call: QueueCall? = nil, setupChanged: Bool = false) async {
        if setupChanged { setupCache.forget(branchID) }
        if relayed {
            do {
                try await QueueRelay.announce(branchID: branchID, call: call, on: db)
                return
            } catch {
                // NOTIFY failed: at least this instance's displays hear of it.
            }
        }
        // Nobody watching this branch: no state to build.
        guard broadcaster.isWatched(branchID) else { return }
        if let call { await broadcaster.publish(branchID: branchID, event: "call", payload: call) }
        if let state = try? await QueueStateBuilder.build(branchID: branchID, on: db, now: clock.now()) {
            await broadcaster.publish(branchID: branchID, event: "state", payload: state)
        }
    }

    // MARK: look-ups

    static func branch(code: String, on db: any Database) async throws -> Branch {
        guard let branch = try await Branch.query(on: db).filter(\.$code == code.uppercased()).first() else { throw QueueError.unknownBranch }
        return branch
    }

    /// The branch a staff queue page is about: the one asked for, else the officer's own, else the first.
    static func branch(for req: Request, code: String?) async throws -> Branch {
        if let code, !code.isEmpty { return try await branch(code: code, on: req.db) }
        if let id = req.staff?.branchID, let own = try await Branch.find(id, on: req.db) { return own }
        guard let first = try await Branch.query(on: req.db).sort(\.$code).first() else { throw QueueError.unknownBranch }
        return first
    }

    static func settings(branchID: UUID, on db: any Database) async throws -> QueueSettings {
        try await QueueSettings.query(on: db).filter(\.$branch.$id == branchID).first() ?? .defaults(branchID: branchID)
    }

    // MARK: issuing

    /// Issues a ticket: the next number of the day for the service, its category, and the wait the customer
    /// is told (PKPA 1/2008, counter rule 9).
    func issue(branch: Branch, serviceID: UUID, category: CustomerCategory, channel: String) async throws -> Ticket {
        try await issue(branchID: branch.requireID(), serviceID: serviceID, category: category, channel: channel).ticket.model
    }

    /// A ticket just issued and its place in the queue (1 = next for its service).
    struct IssuedTicket: Sendable {
        let ticket: NewTicket
        let position: Int
    }

    func issue(branchID: UUID, serviceID: UUID, category: CustomerCategory, channel: String) async throws -> IssuedTicket {
        let now = clock.now()
        let today = LocalDate(now).iso
        // Reads first, outside the write lock, for every customer who takes a number: the branch's set-up (kept for a
        // second) and the count ahead. They only feed the label and the estimate, which a concurrent change can at
        // most make a ticket's worth less exact.
        let sql = db.sql
        let setup = try await setupCache.setup(of: branchID, on: sql)
        guard let service = setup.services[serviceID], service.active else { throw QueueError.unknownService }
        // Everyone waiting for the service is ahead of a ticket issued now.
        let ahead = try await TicketStore.waiting(at: branchID, for: serviceID, on: sql)
        let isPriority = setup.priority.contains(category)
        let statusKey = SessionToken.make()
        let id = UUID.timeOrdered(at: now)
        // A regular ticket issued now is last in line. A priority one goes ahead of regular tickets by the calling
        // policy, so its place is played forward over the line (read only for priority customers).
        var placeAhead = ahead
        if isPriority {
            let line = try await Self.waitingLine(at: branchID, for: serviceID, on: db) + [WaitingTicket(id: id, serviceID: serviceID, isPriority: true, arrivedAt: now)]
            placeAhead = QueuePlace.ahead(of: id, in: line, policy: setup.policy, now: now) ?? ahead
        }
        let estimate = WaitEstimate.seconds(ahead: placeAhead, counters: setup.counters(serving: serviceID), averageHandling: service.average_handling_seconds)
        let letter = service.letter
        // Inside the write lock only what must be atomic: the number and the ticket (and, by trigger, its event).
        let ticket = try await db.writeTransaction { db in
            let sql = db.sql
            let number = try await TicketStore.nextNumber(at: branchID, for: serviceID, on: today, sql)
            let ticket = NewTicket(id: id, branchID: branchID, serviceID: serviceID, serviceDate: today, number: number,
                                   label: TicketLabel.make(letter: letter, number: number), category: category, isPriority: isPriority,
                                   channel: channel, issuedAt: now, statusKey: statusKey, estimatedWaitSeconds: estimate)
            try await TicketStore.insert(ticket, on: sql)
            return ticket
        }
        await notify(branchID)
        return IssuedTicket(ticket: ticket, position: placeAhead + 1)
    }

    /// Where a waiting ticket stands and how long it will wait: the one reckoning the ticket page, the API and
    /// the status answer all show (PKPA 1/2008, counter rule 9).
    struct TicketWait: Sendable {
        /// 1 = called next, by the calling policy (a priority customer is not told they are fourth).
        let position: Int
        let seconds: Double?
    }

    /// Read on every refresh of every ticket page (each 20 s): the set-up comes from the kept copy, so only the line
    /// itself is read.
    static func wait(of ticket: Ticket, now: Date, setups: QueueSetupCache, on db: any Database) async throws -> TicketWait? {
        guard ticket.status == .waiting, let id = ticket.id else { return nil }
        let setup = try await setups.setup(of: ticket.$branch.id, on: db.sql)
        guard let service = setup.services[ticket.$service.id] else { return nil }
        let line = try await waitingLine(at: ticket.$branch.id, for: ticket.$service.id, on: db)
        guard let ahead = QueuePlace.ahead(of: id, in: line, policy: setup.policy, now: now) else { return nil }
        return TicketWait(position: ahead + 1, seconds: WaitEstimate.seconds(ahead: ahead, counters: setup.counters(serving: ticket.$service.id),
                                                                            averageHandling: service.average_handling_seconds))
    }

    /// One service's waiting tickets, as the calling policy sees them.
    static func waitingLine(at branchID: UUID, for serviceID: UUID, on db: any Database) async throws -> [WaitingTicket] {
        try await Ticket.query(on: db).filter(\.$branch.$id == branchID).filter(\.$service.$id == serviceID).filter(\.$status == .waiting)
            .field(\.$id).field(\.$service.$id).field(\.$isPriority).field(\.$arrivedAt).all().map(\.waiting)
    }

    // MARK: counters

    func openCounter(_ counterID: UUID, officer: StaffIdentity) async throws -> Counter {
        let counter = try await db.writeTransaction { db in
            guard let counter = try await Counter.find(counterID, on: db) else { throw QueueError.unknownCounter }
            // An officer opens only their own branch's counters (RecordScope); every later call goes through that counter.
            guard officer.scope.allows(branch: counter.$branch.id) else { throw OutsideScope() }
            if counter.status != .closed, let current = counter.$officer.id, current != officer.id { throw QueueError.notYourCounter }
            // An officer works one counter at a time: leaving another one closes it.
            try await Counter.query(on: db).filter(\.$officer.$id == officer.id).filter(\.$id != counterID)
                .set(\.$status, to: .closed).set(\.$officer.$id, to: nil).update()
            counter.status = .open
            counter.$officer.id = officer.id
            try await counter.save(on: db)
            return counter
        }
        await notify(counter.$branch.id, setupChanged: true)
        return counter
    }

    func setCounter(_ counterID: UUID, status: CounterStatus, officer: StaffIdentity) async throws -> Counter {
        let counter = try await db.writeTransaction { db in
            let counter = try await Self.ownCounter(counterID, officer: officer, on: db, mustBeOpen: false)
            if status == .closed, let busy = try await Self.currentTicket(of: counter, on: db) { throw QueueError.counterBusy(busy.label) }
            counter.status = status
            if status == .closed { counter.$officer.id = nil }
            try await counter.save(on: db)
            return counter
        }
        await notify(counter.$branch.id, setupChanged: true)
        return counter
    }

    static func ownCounter(_ counterID: UUID, officer: StaffIdentity, on db: any Database, mustBeOpen: Bool = true) async throws -> Counter {
        guard let counter = try await Counter.find(counterID, on: db) else { throw QueueError.unknownCounter }
        guard officer.scope.allows(branch: counter.$branch.id) else { throw OutsideScope() }
        guard counter.$officer.id == officer.id, counter.status != .closed else {
            throw counter.status == .closed ? QueueError.counterNotOpen : QueueError.notYourCounter
        }
        if mustBeOpen && counter.status != .open { throw QueueError.counterNotOpen }
        return counter
    }

    static func currentTicket(of counter: Counter, on db: any Database) async throws -> Ticket? {
        try await Ticket.query(on: db).filter(\.$counter.$id == counter.id!).filter(\.$status ~~ [.called, .serving]).first()
    }

    // MARK: calling

    /// Calls the next ticket for a counter by the branch's calling policy. Two counters calling at the same
    /// instant never get the same ticket: the ticket is claimed with a compare-and-set update inside a write
    /// transaction, and a counter that loses the race picks again.
    func callNext(counterID: UUID, officer: StaffIdentity) async throws -> Ticket? {
        for _ in 0..<8 {
            let outcome: CallOutcome = try await db.writeTransaction { db in
                try await TicketStore.lock(counter: counterID, on: db.sql)
                let counter = try await Self.ownCounter(counterID, officer: officer, on: db)
                let now = clock.now()
                if let current = try await Self.currentTicket(of: counter, on: db) {
                    // "Next" ends a visit being served, so officers are not made to press two buttons per customer.
                    // A customer called but not yet at the counter is not ended by it: that would count a no-show as
                    // served in the Client Charter figures (PKPA 1/2008: counter service measured as served).
                    guard current.status == .serving else { throw QueueError.customerCalled(current.label) }
                    try await Self.finish(current, at: now, on: db)
                }
                let settings = try await Self.settings(branchID: counter.$branch.id, on: db)
                // The policy only ever chooses between the longest-waiting priority ticket and the longest-waiting
                // regular one: the first row of each service and kind (tickets_call_next_idx), however long the queue.
                var waiting: [WaitingTicket] = []
                for priority in [true, false] {
                    var heads: [WaitingTicket] = []
                    for serviceID in counter.serviceIDs {
                        if let head = try await TicketStore.head(at: counter.$branch.id, for: serviceID, priority: priority, on: db.sql) { heads.append(head) }
                    }
                    if let oldest = heads.min(by: { $0.arrivedAt < $1.arrivedAt }) { waiting.append(oldest) }
                }
                guard let choice = settings.policy.next(counterType: counter.type, services: Set(counter.serviceIDs),
                                                        waiting: waiting, streak: counter.streak, now: now) else { return .empty }
                guard try await TicketStore.claim(choice.id, for: counterID, officer: officer.id, at: now, on: db.sql) else { return .lostRace }
                let streak = counter.streak.after(calling: choice)
                counter.priorityInARow = streak.priorityInARow
                counter.regularInARow = streak.regularInARow
                try await counter.save(on: db)
                try await TicketEvent(ticketID: choice.id, branchID: counter.$branch.id, kind: .called, at: now, counterID: counterID,
                                      officerID: officer.id, serviceID: choice.serviceID).create(on: db)
                guard let called = try await Ticket.find(choice.id, on: db) else { return .lostRace }
                if called.waitSeconds == nil, let service = try await QueueService.find(called.$service.id, on: db) {
                    // Client Charter: measured once, at the first call, against the target in force then.
                    let waited = now.timeIntervalSince(called.arrivedAt)
                    called.waitSeconds = waited
                    called.targetWaitMinutes = service.targetWaitMinutes
                    called.metTarget = waited <= Double(service.targetWaitMinutes * 60)
                    try await called.save(on: db)
                }
                return .called(called, counter.number)
            }
            switch outcome {
            case .empty: return nil
            case .lostRace: continue
            case let .called(ticket, number):
                await notify(ticket.$branch.id, call: .init(label: ticket.label, number: ticket.number, letter: String(ticket.label.prefix(1)), counter: number, recall: false, at: clock.now()))
                return ticket
            }
        }
        throw Abort(.serviceUnavailable, reason: "Queue busy; try again")
    }

    enum CallOutcome: Sendable {
        case empty, lostRace
        case called(Ticket, Int)
    }

    // MARK: steps on a called ticket

    /// Loads a ticket that the officer's counter holds, checks the step is allowed, applies it, records it.
    private func step(_ ticketID: UUID, officer: StaffIdentity, allowed: Set<TicketStatus>,
                      _ apply: @escaping @Sendable (Ticket, Counter, QueueSettings, Date, any Database) async throws -> TicketEventKind?) async throws -> (Ticket, Counter) {
        let result = try await db.writeTransaction { db in
            guard let ticket = try await Ticket.find(ticketID, on: db) else { throw QueueError.unknownTicket }
            guard let counterID = ticket.$counter.id, ticket.status.isOpen, ticket.status != .waiting else {
                throw QueueError.invalidStep(from: ticket.status.rawValue)
            }
            let counter = try await Self.ownCounter(counterID, officer: officer, on: db, mustBeOpen: false)
            guard allowed.contains(ticket.status) else { throw QueueError.invalidStep(from: ticket.status.rawValue) }
            let settings = try await Self.settings(branchID: counter.$branch.id, on: db)
            let now = clock.now()
            if let kind = try await apply(ticket, counter, settings, now, db) {
                try await TicketEvent(ticketID: ticketID, branchID: ticket.$branch.id, kind: kind, at: now, counterID: counter.id,
                                      officerID: officer.id, serviceID: ticket.$service.id, toServiceID: kind == .transferred ? ticket.$service.id : nil).create(on: db)
            }
            return (ticket, counter)
        }
        return result
    }

    func recall(_ ticketID: UUID, officer: StaffIdentity) async throws -> Ticket {
        let (ticket, counter) = try await step(ticketID, officer: officer, allowed: [.called]) { ticket, _, settings, _, db in
            guard ticket.recalls < settings.recallsBeforeNoShow else { throw QueueError.recallLimit(settings.recallsBeforeNoShow) }
            ticket.recalls += 1
            try await ticket.save(on: db)
            return .recalled
        }
        await notify(ticket.$branch.id, call: .init(label: ticket.label, number: ticket.number, letter: String(ticket.label.prefix(1)), counter: counter.number, recall: true, at: clock.now()))
        return ticket
    }

    func markNoShow(_ ticketID: UUID, officer: StaffIdentity) async throws -> Ticket {
        let (ticket, _) = try await step(ticketID, officer: officer, allowed: [.called]) { ticket, _, settings, now, db in
            guard ticket.recalls >= settings.recallsBeforeNoShow else { throw QueueError.tooFewRecalls(needed: settings.recallsBeforeNoShow) }
            ticket.status = .noShow
            ticket.completedAt = now
            try await ticket.save(on: db)
            return .noShow
        }
        await notify(ticket.$branch.id)
        return ticket
    }

    func start(_ ticketID: UUID, officer: StaffIdentity) async throws -> Ticket {
        let (ticket, _) = try await step(ticketID, officer: officer, allowed: [.called]) { ticket, _, _, now, db in
            ticket.status = .serving
            ticket.servingStartedAt = now
            try await ticket.save(on: db)
            return .started
        }
        await notify(ticket.$branch.id)
        return ticket
    }

    /// Only a visit being served ends as served: a called customer who never came is a no-show, not a completion
    /// (PKPA 1/2008 counter figures count the customers actually served).
    func complete(_ ticketID: UUID, officer: StaffIdentity, difficult: DifficultCustomer? = nil) async throws -> Ticket {
        let (ticket, _) = try await step(ticketID, officer: officer, allowed: [.serving]) { ticket, _, _, now, db in
            if let difficult { ticket.difficult = difficult }
            try await Self.finish(ticket, at: now, on: db)
            return nil // finish records the event
        }
        await notify(ticket.$branch.id)
        return ticket
    }

    /// Tags the visit with a kind of customer who is hard to serve (domain.md §8); the console then shows
    /// the guidance for it.
    func tag(_ ticketID: UUID, difficult: DifficultCustomer, officer: StaffIdentity) async throws -> Ticket {
        let (ticket, _) = try await step(ticketID, officer: officer, allowed: [.called, .serving]) { ticket, _, _, _, db in
            ticket.difficult = difficult
            try await ticket.save(on: db)
            return nil
        }
        return ticket
    }

    /// Marks a ticket done and teaches its service the handling time.
    static func finish(_ ticket: Ticket, at now: Date, on db: any Database) async throws {
        if ticket.servingStartedAt == nil { ticket.servingStartedAt = ticket.calledAt ?? now }
        ticket.status = .done
        ticket.completedAt = now
        ticket.serviceSeconds = ticket.servingStartedAt.map { max(0, now.timeIntervalSince($0)) }
        try await ticket.save(on: db)
        if let service = try await QueueService.find(ticket.$service.id, on: db), let started = ticket.servingStartedAt {
            var average = HandlingTimeAverage(seconds: service.averageHandlingSeconds, samples: service.handlingSamples)
            average.record(now.timeIntervalSince(started))
            service.averageHandlingSeconds = average.seconds
            service.handlingSamples = average.samples
            try await service.save(on: db)
        }
        try await TicketEvent(ticketID: ticket.id!, branchID: ticket.$branch.id, kind: .completed, at: now, counterID: ticket.$counter.id,
                              officerID: ticket.$officer.id, serviceID: ticket.$service.id).create(on: db)
    }

    /// Sends the customer to another service's queue, keeping their original arrival time.
    func transfer(_ ticketID: UUID, to serviceID: UUID, officer: StaffIdentity) async throws -> Ticket {
        let (ticket, _) = try await step(ticketID, officer: officer, allowed: [.called, .serving]) { ticket, _, _, _, db in
            guard serviceID != ticket.$service.id else { throw QueueError.sameService }
            guard let target = try await QueueService.find(serviceID, on: db), target.$branch.id == ticket.$branch.id, target.active else {
                throw QueueError.unknownService
            }
            ticket.$service.id = serviceID
            ticket.status = .waiting
            ticket.$counter.id = nil
            ticket.$officer.id = nil
            ticket.calledAt = nil
            ticket.servingStartedAt = nil
            ticket.recalls = 0
            ticket.transfers += 1
            try await ticket.save(on: db)
            return .transferred
        }
        await notify(ticket.$branch.id)
        return ticket
    }
}
