import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Layan
@testable import LayanCore

@Suite struct QueueEngineTests {
    @Test func ticketsAreNumberedPerServiceAndDay() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let a1 = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            let a2 = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .seniorCitizen, channel: "kiosk")
            let b1 = try await engine.issue(branch: q.branch, serviceID: q.licences.id!, category: .regular, channel: "web")
            #expect([a1.label, a2.label, b1.label] == ["A001", "A002", "B001"])
            #expect(!a1.isPriority && a2.isPriority)
            #expect(a1.statusKey.count >= 40)
        }
    }

    @Test func aDayAtTheCounterFromCallToCompletion() async throws {
        let clock = FixedClock(Date())
        try await withLayan(clock: clock) { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            let ticket = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
            clock.advance(by: 300)
            let called = try #require(try await engine.callNext(counterID: q.counters[1].id!, officer: officer))
            #expect(called.id == ticket.id && called.status == .called)
            _ = try await engine.recall(ticket.id!, officer: officer)
            _ = try await engine.start(ticket.id!, officer: officer)
            clock.advance(by: 120)
            let done = try await engine.complete(ticket.id!, officer: officer, difficult: .impatient)
            #expect(done.status == .done && done.difficult == .impatient)
            // the service learned the handling time: the first real sample replaces the guess
            let service = try #require(try await QueueService.find(q.registration.id, on: app.db))
            #expect(abs(service.averageHandlingSeconds - 120) < 0.5)
            let kinds = try await TicketEvent.query(on: app.db).filter(\.$ticket.$id == ticket.id!).sort(\.$at).all().map(\.kind)
            #expect(kinds == [.issued, .called, .recalled, .started, .completed])
        }
    }

    @Test func callNextIsRefusedWhileACalledCustomerHasNotBeenServed() async throws {
        try await withLayan { app in
            // given a customer called at counter 2 but not yet served, and another waiting
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            let first = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            _ = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
            _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
            // when the officer presses "next" again
            await #expect(throws: QueueError.customerCalled(first.label)) {
                _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
            }
            // then the called customer is still called, not counted as served
            #expect(try await Ticket.find(first.id, on: app.db)?.status == .called)
        }
    }

    @Test func callNextEndsAVisitBeingServed() async throws {
        try await withLayan { app in
            // given a customer being served and another waiting
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            let first = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            let second = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
            _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
            _ = try await engine.start(first.id!, officer: officer)
            // when the officer presses "next"
            let called = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
            // then the first is done and the second called
            #expect(called?.id == second.id)
            #expect(try await Ticket.find(first.id, on: app.db)?.status == .done)
        }
    }

    @Test func transferKeepsTheOriginalArrival() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            let early = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            try await Task.sleep(for: .milliseconds(5))
            let later = try await engine.issue(branch: q.branch, serviceID: q.licences.id!, category: .regular, channel: "kiosk")
            _ = try await engine.openCounter(q.counters[2].id!, officer: officer)
            let first = try #require(try await engine.callNext(counterID: q.counters[2].id!, officer: officer))
            #expect(first.id == early.id)
            let moved = try await engine.transfer(early.id!, to: q.licences.id!, officer: officer)
            #expect(moved.status == .waiting && moved.transfers == 1)
            #expect(abs(moved.arrivedAt.timeIntervalSince(early.arrivedAt)) < 0.001)
            // the transferred customer is ahead of the licence customer who arrived later
            let next = try #require(try await engine.callNext(counterID: q.counters[2].id!, officer: officer))
            #expect(next.id == early.id && next.id != later.id)
        }
    }

    @Test func badStepsAreRefusedAndTheQueueIsUnchanged() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let mine = try await q.officer(1, app), other = try await q.officer(2, app)
            let ticket = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            // calling from a closed counter
            await #expect(throws: QueueError.counterNotOpen) { _ = try await engine.callNext(counterID: q.counters[1].id!, officer: mine) }
            _ = try await engine.openCounter(q.counters[1].id!, officer: mine)
            // another officer acting on my counter
            await #expect(throws: QueueError.notYourCounter) { _ = try await engine.callNext(counterID: q.counters[1].id!, officer: other) }
            _ = try await engine.callNext(counterID: q.counters[1].id!, officer: mine)
            await #expect(throws: QueueError.notYourCounter) { _ = try await engine.complete(ticket.id!, officer: other) }
            // no-show before the configured recalls; transferring to the same service; unknown service
            await #expect(throws: QueueError.tooFewRecalls(needed: 2)) { _ = try await engine.markNoShow(ticket.id!, officer: mine) }
            await #expect(throws: QueueError.sameService) { _ = try await engine.transfer(ticket.id!, to: q.registration.id!, officer: mine) }
            await #expect(throws: QueueError.unknownService) { _ = try await engine.transfer(ticket.id!, to: UUID(), officer: mine) }
            await #expect(throws: QueueError.unknownService) { _ = try await engine.issue(branch: q.branch, serviceID: UUID(), category: .regular, channel: "kiosk") }
            // completing a called customer who was never served (a no-show, not a completion); then completing twice
            await #expect(throws: QueueError.invalidStep(from: "called")) { _ = try await engine.complete(ticket.id!, officer: mine) }
            _ = try await engine.start(ticket.id!, officer: mine)
            _ = try await engine.complete(ticket.id!, officer: mine)
            await #expect(throws: QueueError.invalidStep(from: "done")) { _ = try await engine.complete(ticket.id!, officer: mine) }
            // nothing moved: one ticket, done, one completion event
            let reloaded = try #require(try await Ticket.find(ticket.id, on: app.db))
            #expect(reloaded.status == .done && reloaded.$service.id == q.registration.id)
            #expect(try await TicketEvent.query(on: app.db).filter(\.$kind == .completed).count() == 1)
        }
    }

    @Test func noShowAfterTheConfiguredRecalls() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            let ticket = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
            _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
            _ = try await engine.recall(ticket.id!, officer: officer)
            _ = try await engine.recall(ticket.id!, officer: officer)
            await #expect(throws: QueueError.recallLimit(2)) { _ = try await engine.recall(ticket.id!, officer: officer) }
            #expect(try await engine.markNoShow(ticket.id!, officer: officer).status == .noShow)
        }
    }

    @Test func priorityCounterServesPriorityFirst() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            _ = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            let pregnant = try await engine.issue(branch: q.branch, serviceID: q.licences.id!, category: .pregnant, channel: "kiosk")
            _ = try await engine.openCounter(q.counters[0].id!, officer: officer)
            #expect(try await engine.callNext(counterID: q.counters[0].id!, officer: officer)?.id == pregnant.id)
        }
    }

    /// Many counters pressing "call next" at the same instant: every ticket is called once, never twice.
    @Test func simultaneousCallsNeverShareATicket() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app, officers: 3)
            let engine = q.engine(app)
            for i in 0..<30 {
                _ = try await engine.issue(branch: q.branch, serviceID: i % 2 == 0 ? q.registration.id! : q.licences.id!, category: i % 5 == 0 ? .disabled : .regular, channel: "kiosk")
            }
            var officers: [(UUID, StaffIdentity)] = []
            for (i, counter) in q.counters.enumerated() {
                let officer = try await q.officer(i + 1, app)
                _ = try await engine.openCounter(counter.id!, officer: officer)
                officers.append((counter.id!, officer))
            }
            // each counter calls, serves and calls again, all three at once, until the queue is empty
            let calledIDs = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for (counterID, officer) in officers {
                    group.addTask {
                        var mine: [UUID] = []
                        while let ticket = try await engine.callNext(counterID: counterID, officer: officer) {
                            mine.append(ticket.id!)
                            _ = try await engine.start(ticket.id!, officer: officer)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(calledIDs.count == 30)
            #expect(Set(calledIDs).count == 30)
            #expect(try await TicketEvent.query(on: app.db).filter(\.$kind == .called).count() == 30)
        }
    }
}

@Suite struct QueueAPITests {
    @Test func issueAndReadTicketsWithAScopedToken() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/api-tokens")
            let created = try await admin.post("/admin/api-tokens", form: ["name": "Kiosk KBR", "scopes[]": "queue:issue"]).body.string
            let token = String(created[created.range(of: #"id="new-token">"#)!.upperBound...].prefix { $0 != "<" })
            let body = #"{"branch":"kbr","serviceId":"\#(q.registration.id!)","category":"senior_citizen"}"#
            var ticketID: UUID?
            try await app.testing().test(.POST, "/api/v1/queue/tickets", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                         body: .init(string: body)) { res async throws in
                #expect(res.status == .created)
                let dto = try res.content.decode(QueueAPIController.TicketDTO.self)
                #expect(dto.label == "A001" && dto.priority && dto.position == 1)
                #expect(dto.statusUrl.contains("?k="))
                #expect(res.headers.first(name: .contentType) == "application/json; charset=utf-8")
                ticketID = dto.id
            }
            // the token has no queue:read scope
            try await app.testing().test(.GET, "/api/v1/queue/tickets/\(ticketID!)", headers: ["Authorization": "Bearer \(token)"]) { res async in
                #expect(res.status == .forbidden)
            }
            // bad input: unknown category, unknown service, unknown branch, broken JSON
            for (payload, status) in [(#"{"branch":"KBR","serviceId":"\#(q.registration.id!)","category":"vip"}"#, HTTPStatus.unprocessableEntity),
                                      (#"{"branch":"KBR","serviceId":"\#(UUID())"}"#, .notFound),
                                      (#"{"branch":"XXX","serviceId":"\#(q.registration.id!)"}"#, .notFound),
                                      (#"{"branch":"KBR""#, .badRequest)] {
                try await app.testing().test(.POST, "/api/v1/queue/tickets", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                             body: .init(string: payload)) { res async throws in
                    #expect(res.status == status, "\(payload)")
                    #expect(try res.content.decode(Problem.self).error)
                }
            }
            // Not JSON: Vapor decodes it its own way (here: refused, 400); a JSON type with parameters is still JSON.
            try await app.testing().test(.POST, "/api/v1/queue/tickets", headers: ["Authorization": "Bearer \(token)", "Content-Type": "text/plain"],
                                         body: .init(string: body)) { res async throws in
                #expect(res.status == .badRequest)
                #expect(try res.content.decode(Problem.self).error)
            }
            #expect(try await Ticket.query(on: app.db).count() == 1)
            try await app.testing().test(.POST, "/api/v1/queue/tickets", headers: ["Authorization": "Bearer \(token)", "Content-Type": "Application/JSON; charset=UTF-8"],
                                         body: .init(string: body)) { res async throws in
                #expect(res.status == .created)
            }
            #expect(try await Ticket.query(on: app.db).count() == 2)
            // Each ticket's "issued" event comes with it (a trigger), under the ticket's own id; refused ones left none.
            let issued = try await TicketEvent.query(on: app.db).filter(\.$kind == .issued).all()
            let tickets = try await Ticket.query(on: app.db).all()
            #expect(Set(issued.map(\.id)) == Set(tickets.map(\.id)) && Set(issued.map(\.$ticket.id)) == Set(tickets.compactMap(\.id)))
            #expect(issued.allSatisfy { event in tickets.contains { $0.id == event.$ticket.id && $0.issuedAt == event.at && $0.$service.id == event.serviceID } })
        }
    }

    @Test func counterOfficerWorksThroughTheAPI() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let ticket = try await q.engine(app).issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            _ = try await q.engine(app).openCounter(q.counters[1].id!, officer: try await q.officer(1, app))
            let browser = TestBrowser(app)
            try await browser.signIn("kaunter1@test.layan.my")
            try await browser.get("/staff")
            let csrf = browser.lastCSRF!
            let headers: HTTPHeaders = ["X-CSRF-Token": csrf, "Content-Type": "application/json", "Accept": "application/json"]
            let called = try await browser.send(.POST, "/api/v1/queue/counters/\(q.counters[1].id!)/call-next", headers: headers, body: nil)
            #expect(called.status == .ok)
            #expect(try called.content.decode(QueueAPIController.TicketDTO.self).label == ticket.label)
            let transfer = try await browser.send(.POST, "/api/v1/queue/tickets/\(ticket.id!)/transfer", headers: headers,
                                                  body: .init(string: #"{"serviceId":"\#(q.registration.id!)"}"#))
            #expect(transfer.status == .unprocessableEntity)
            #expect(try await browser.send(.POST, "/api/v1/queue/tickets/\(ticket.id!)/start", headers: headers, body: nil).status == .ok)
            #expect(try await browser.send(.POST, "/api/v1/queue/tickets/\(ticket.id!)/complete", headers: headers, body: .init(string: "{}")).status == .ok)
            let again = try await browser.send(.POST, "/api/v1/queue/tickets/\(ticket.id!)/complete", headers: headers, body: .init(string: "{}"))
            #expect(again.status == .conflict)
            // an empty queue answers 204
            #expect(try await browser.send(.POST, "/api/v1/queue/counters/\(q.counters[1].id!)/call-next", headers: headers, body: nil).status == .noContent)
            // the state is public
            try await app.testing().test(.GET, "/api/v1/queue/branches/KBR/state") { res async throws in
                let state = try res.content.decode(QueueState.self)
                #expect(state.services.count == 2 && state.counters.count == 3)
                #expect(state.recentCalls.first?.label == "A001")
                #expect(state.recentCalls.first?.announcementMs == "Nombor A 1, sila ke kaunter 2")
            }
        }
    }
}

@Suite struct QueueFiguresAndSupervisionTests {
    @Test func figuresCountTheDayAndTheCharterWaitIsKept() async throws {
        let clock = FixedClock(LocalDate("2026-11-25")!.startInstant.addingTimeInterval(9 * 3600))
        try await withLayan(clock: clock) { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
            let fast = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            let slow = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            clock.advance(by: 5 * 60)
            _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
            _ = try await engine.start(fast.id!, officer: officer)
            clock.advance(by: 15 * 60)
            _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)   // completes `fast`, calls `slow` after 20 min
            _ = try await engine.recall(slow.id!, officer: officer)
            _ = try await engine.recall(slow.id!, officer: officer)
            _ = try await engine.markNoShow(slow.id!, officer: officer)
            // the charter fields: 5 min against a 15 min target met; 20 min not
            #expect(try await Ticket.find(fast.id, on: app.db)?.metTarget == true)
            #expect(try await Ticket.find(slow.id, on: app.db)?.metTarget == false)
            let figures = try await QueueSupervisorController.figures(branch: q.branch, date: LocalDate("2026-11-25")!, on: app.db, language: .ms)
            #expect(figures.total.issued == 2 && figures.total.served == 1 && figures.total.noShows == 1)
            #expect(figures.total.withinTarget == 0.5)
            #expect(figures.total.meanWaitSeconds == 750.0)
            #expect(abs((figures.total.meanServiceSeconds ?? 0) - 900) < 1)
            #expect(figures.officers.first?.name == "Pegawai Kaunter 1")
            // a supervisor sees it as a page and as JSON
            let hash = try await app.passwordHasher.hash(TestStaff.password, app: app)
            try await Staff(name: "Penyelia", email: "penyelia@test.layan.my", serviceGroup: .managementProfessional, branchID: q.branch.id,
                            roles: [.supervisor], passwordHash: hash).create(on: app.db)
            let supervisor = TestBrowser(app)
            try await supervisor.signIn("penyelia@test.layan.my")
            let page = try await supervisor.get("/queue/figures?branch=KBR&date=25/11/2026")
            #expect(page.status == .ok && page.body.string.contains("50 %"))
            let json = try await supervisor.get("/api/v1/queue/branches/KBR/figures?date=2026-11-25", headers: ["Accept": "application/json"])
            #expect(try json.content.decode(QueueSupervisorController.Figures.self).total.served == 1)
            #expect(try await supervisor.get("/api/v1/queue/branches/KBR/figures?date=someday").status == .badRequest)
        }
    }

    @Test func supervisorIsWarnedWhenTheQueueRunsOverTarget() async throws {
        // Wednesday 13:15 in Kota Bharu: inside the midday break, no counter open, people waiting
        let clock = FixedClock(LocalDate("2026-11-25")!.startInstant.addingTimeInterval(13 * 3600 + 15 * 60))
        try await withLayan(clock: clock) { app in
            let q = try await QueueFixture.make(app)
            q.branch.storedHours = .fridaySaturdayWeek
            try await q.branch.save(on: app.db)
            for _ in 0..<12 { _ = try await q.engine(app).issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk") }
            let hash = try await app.passwordHasher.hash(TestStaff.password, app: app)
            try await Staff(name: "Ketua", email: "ketua@test.layan.my", serviceGroup: .managementProfessional, branchID: q.branch.id,
                            roles: [.headOfUnit], passwordHash: hash).create(on: app.db)
            let head = TestBrowser(app)
            try await head.signIn("ketua@test.layan.my")
            let page = try await head.get("/queue/supervise").body.string
            #expect(page.contains("Tiada kaunter dibuka semasa rehat tengah hari"))
            #expect(page.contains("buka lagi kaunter"))
        }
    }
}

@Suite struct QueueSetupTests {
    @Test func administratorSetsUpServicesCountersAndRules() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/queue?branch=KBR")
            #expect(try await admin.post("/admin/queue/services", form: ["branch": "KBR", "letter": "c", "nameMs": "Bayaran", "nameEn": "Payments", "targetWaitMinutes": "10"]).status == .seeOther)
            let payments = try #require(try await QueueService.query(on: app.db).filter(\.$letter == "C").first())
            let body = "branch=KBR&number=4&type=express&services[]=\(payments.id!)&csrf=\(admin.lastCSRF!)"
            #expect(try await admin.send(.POST, "/admin/queue/counters", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: .init(string: body)).status == .seeOther)
            #expect(try await Counter.query(on: app.db).filter(\.$number == 4).first()?.type == .express)
            let rules = "branch=KBR&priorityCategories[]=disabled&priorityShare=1&regularShare=3&ageingCapMinutes=20&recallsBeforeNoShow=1&csrf=\(admin.lastCSRF!)"
            #expect(try await admin.send(.POST, "/admin/queue/settings", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: .init(string: rules)).status == .seeOther)
            let settings = try await QueueEngine.settings(branchID: q.branch.id!, on: app.db)
            #expect(settings.priorityCategories == [.disabled] && settings.regularShare == 3 && settings.recallsBeforeNoShow == 1)
            // a senior citizen is no longer priority at this branch
            #expect(try await q.engine(app).issue(branch: q.branch, serviceID: payments.id!, category: .seniorCitizen, channel: "kiosk").isPriority == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$entityType == "queue_settings").count() == 1)
        }
    }

    @Test func badSetUpInputIsExplained() async throws {
        try await withLayan { app in
            _ = try await QueueFixture.make(app)
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/queue?branch=KBR")
            let service = try await admin.post("/admin/queue/services", form: ["branch": "KBR", "letter": "A", "nameMs": "", "nameEn": "x", "targetWaitMinutes": "0"])
            #expect(service.status == .unprocessableEntity)
            #expect(service.body.string.contains("sudah digunakan") && service.body.string.contains("dari 1 hingga 240"))
            let counter = try await admin.post("/admin/queue/counters", form: ["branch": "KBR", "number": "1", "type": "vip"])
            #expect(counter.status == .unprocessableEntity)
            #expect(counter.body.string.contains("Pilih sekurang-kurangnya satu perkhidmatan"))
            #expect(try await QueueService.query(on: app.db).count() == 2)
            #expect(try await Counter.query(on: app.db).count() == 3)
        }
    }
}

@Suite struct QueueRelayTests {
    /// Two Layan instances on one PostgreSQL database: a call made through one reaches the other's displays.
    @Test func callOnOneInstanceReachesDisplaysOfAnother() async throws {
        guard TestDatabase.engine == "postgresql" else { return }
        try await withLayan { first in
            guard case let .postgres(url) = first.settings.database else { return }
            let second = try await Application.make(.testing)
            do {
                try await configure(second, settings: AppSettings(database: .postgres(url: url), bcryptCost: 4, migrateAtBoot: false))
                try await first.asyncBoot()
                try await second.asyncBoot()
                let q = try await QueueFixture.make(first)
                let officer = try await q.officer(1, first)
                let engine = QueueEngine(app: first, relayed: true)
                _ = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
                _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
                // a display connected to the second instance
                let (_, stream) = await second.queueBroadcaster.subscribe(branchID: q.branch.id!)
                try await Task.sleep(for: .milliseconds(500)) // the relay's LISTEN is in place
                let received = Task { () -> String? in
                    for await message in stream {
                        let text = String(buffer: message.bytes)
                        if text.contains("event: call") { return text }
                    }
                    return nil
                }
                _ = try await engine.callNext(counterID: q.counters[1].id!, officer: officer)
                let timeout = Task { try await Task.sleep(for: .seconds(5)); received.cancel() }
                let call = await received.value
                timeout.cancel()
                #expect(call?.contains("A001") == true)
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }
}

@Suite struct MultiInstanceCallTests {
    /// Counters on two Layan instances sharing one PostgreSQL database call at the same time: no ticket twice.
    @Test func twoInstancesNeverCallTheSameTicket() async throws {
        try await Self.withTwoInstances { first, second in
            let q = try await QueueFixture.make(first, officers: 3)
            let engineA = QueueEngine(app: first)
            let engineB = QueueEngine(app: second)
            for i in 0..<40 {
                _ = try await engineA.issue(branch: q.branch, serviceID: q.registration.id!, category: i % 4 == 0 ? .pregnant : .regular, channel: "kiosk")
            }
            var workers: [(QueueEngine, UUID, StaffIdentity)] = []
            for (i, counter) in q.counters.enumerated() {
                let officer = try await q.officer(i + 1, first)
                let engine = i % 2 == 0 ? engineA : engineB
                _ = try await engine.openCounter(counter.id!, officer: officer)
                workers.append((engine, counter.id!, officer))
            }
            let called = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for (engine, counterID, officer) in workers {
                    group.addTask {
                        var mine: [UUID] = []
                        while let ticket = try await engine.callNext(counterID: counterID, officer: officer) {
                            mine.append(ticket.id!)
                            _ = try await engine.start(ticket.id!, officer: officer)  // served, so "next" may end the visit
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(called.count == 40)
            #expect(Set(called).count == 40)
        }
    }

    /// Two Layan instances on one PostgreSQL database (nothing on SQLite, which one process serves).
    static func withTwoInstances(_ body: @escaping (Application, Application) async throws -> Void) async throws {
        guard TestDatabase.engine == "postgresql" else { return }
        try await withLayan { first in
            guard case let .postgres(url) = first.settings.database else { return }
            let second = try await Application.make(.testing)
            do {
                try await configure(second, settings: AppSettings(database: .postgres(url: url), bcryptCost: 4, migrateAtBoot: false))
                try await body(first, second)
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }
}

extension MultiInstanceCallTests {
    /// Two presses of "next" at one counter at the same instant, one on each instance (a double click behind a load
    /// balancer): the counter calls one customer; the other press is told a customer is already called.
    @Test func twoPressesAtOneCounterOnTwoInstancesCallOneCustomer() async throws {
        try await Self.withTwoInstances { first, second in
            // given a counter open on the first instance and customers of both its services waiting
            let q = try await QueueFixture.make(first)
            let engines = [QueueEngine(app: first), QueueEngine(app: second)]
            for i in 0..<20 {
                _ = try await engines[0].issue(branch: q.branch, serviceID: i % 2 == 0 ? q.registration.id! : q.licences.id!, category: .regular, channel: "kiosk")
            }
            let officer = try await q.officer(1, first)
            let counter = q.counters[2].id!
            _ = try await engines[0].openCounter(counter, officer: officer)
            for _ in 0..<10 {
                // when both instances press "next" for it at once
                let answers = await withTaskGroup(of: Result<Ticket?, any Error>.self) { group in
                    for engine in engines {
                        group.addTask {
                            do { return .success(try await engine.callNext(counterID: counter, officer: officer)) } catch { return .failure(error) }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                // then one customer is called, the other press is refused, and the counter holds one customer
                let called = answers.compactMap { try? $0.get() }.compactMap { $0 }
                #expect(called.count == 1)
                #expect(answers.contains { if case .failure(QueueError.customerCalled) = $0 { true } else { false } })
                let held = try await Ticket.query(on: first.db).filter(\.$counter.$id == counter).filter(\.$status ~~ [.called, .serving]).all()
                #expect(held.map(\.id) == called.map(\.id))
                if let ticket = called.first { _ = try await engines[0].start(ticket.id!, officer: officer) }
            }
        }
    }
}

/// The set-up ticket issue reads is kept for a second (QueueSetupCache): changes made through the engine show at
/// once, changes made elsewhere (another instance, straight in the database) within the second.
@Suite struct QueueSetupCacheTests {
    @Test func engineChangesShowAtOnceOthersWithinASecond() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(2, app)
            let first = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            // No counter open yet: the counters set up for the service are taken to open.
            let configured = try await app.queueSetupCache.setup(of: q.branch.id!, on: app.db.sql).counters(serving: q.registration.id!).configured
            let handling = q.registration.averageHandlingSeconds
            #expect(first.estimatedWaitSeconds == WaitEstimate.seconds(ahead: 0, openCounters: configured, averageHandling: handling))
            _ = try await engine.openCounter(q.counters[1].id!, officer: officer)
            let second = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
            // The one open counter counts at once.
            #expect(second.estimatedWaitSeconds == WaitEstimate.seconds(ahead: 1, openCounters: 1, averageHandling: handling))
            // A service switched off outside the engine: refused once the kept set-up lapses.
            try await QueueService.query(on: app.db).filter(\.$id == q.licences.id!).set(\.$active, to: false).update()
            try await Task.sleep(for: QueueSetupCache.lifetime + .milliseconds(100))
            await #expect(throws: QueueError.unknownService) {
                _ = try await engine.issue(branch: q.branch, serviceID: q.licences.id!, category: .regular, channel: "kiosk")
            }
        }
    }
}
