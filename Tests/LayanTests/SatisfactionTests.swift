import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Customer satisfaction (issue #20) on both engines: counter ratings and their guards, the case survey's signed
/// single-use link, follow-ups of low scores, and the report's figures worked out by hand.
@Suite struct SatisfactionTests {
    static let now = Date(timeIntervalSince1970: 1_773_108_000) // 2026-03-10 10:00 MYT

    /// A ticket served to the end at `counter` by `officer`, `minutesAgo` minutes ago.
    @discardableResult
    static func served(_ app: Application, _ q: QueueFixture, counter: Int = 0, officer: StaffIdentity, minutesAgo: Double = 1,
                       day: String = "2026-03-10") async throws -> Ticket {
        let done = app.clock.now().addingTimeInterval(-minutesAgo * 60)
        let ticket = Ticket()
        ticket.$branch.id = q.branch.id!; ticket.$service.id = q.registration.id!; ticket.serviceDate = day
        ticket.number = Int.random(in: 1...999_999); ticket.label = "A\(ticket.number)"; ticket.category = .regular; ticket.isPriority = false
        ticket.status = .done; ticket.channel = "kiosk"; ticket.issuedAt = done.addingTimeInterval(-900); ticket.arrivedAt = ticket.issuedAt
        ticket.$counter.id = q.counters[counter].id; ticket.$officer.id = officer.id; ticket.calledAt = done.addingTimeInterval(-300)
        ticket.recalls = 0; ticket.servingStartedAt = ticket.calledAt; ticket.completedAt = done; ticket.transfers = 0
        ticket.firstServiceID = q.registration.id!; ticket.statusKey = "key-\(ticket.number)"
        try await ticket.create(on: app.db)
        return ticket
    }

    static func device(_ app: Application, _ q: QueueFixture, counter: Int = 0) async throws -> RatingDevice {
        let head = StaffIdentity(id: UUID(), name: "Penyelia", email: "p@test.layan.my", roles: [.supervisor], branchID: nil)
        let cookie = try await SatisfactionEngine(app: app).pair(counterID: q.counters[counter].id!, by: head)
        return try #require(try await SatisfactionEngine(app: app).device(cookie: cookie))
    }

    @Test func aTabletRatesItsOwnCountersCustomerOnceAndNoOtherCounters() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a customer just served at counter 1, and tablets at counters 1 and 2
            let q = try await QueueFixture.make(app)
            let officer = try await q.officer(1, app)
            let ticket = try await Self.served(app, q, officer: officer)
            let own = try await Self.device(app, q, counter: 0), other = try await Self.device(app, q, counter: 1)
            let engine = SatisfactionEngine(app: app)
            // then counter 1's tablet offers that ticket and counter 2's does not
            let offered = try await engine.ticketToRate(at: own), elsewhere = try await engine.ticketToRate(at: other)
            #expect(offered?.id == ticket.id && elsewhere == nil)
            // when the customer touches four faces on their counter's tablet
            let rating = try await engine.rate(ticket, score: 4, reason: nil, comment: nil, via: .tablet, device: own, staff: nil)
            // then it is stored with the ticket's officer, counter and service, and not offered again
            #expect(rating.officerID == officer.id && rating.counterID == q.counters[0].id && rating.serviceID == q.registration.id)
            let offeredAgain = try await engine.ticketToRate(at: own)
            #expect(offeredAgain == nil)
            // and a second rating, or one from another counter's tablet, is refused
            await #expect(throws: SatisfactionEngine.Failure.alreadyRated) {
                try await engine.rate(ticket, score: 1, reason: nil, comment: nil, via: .phone, device: nil, staff: nil)
            }
            let next = try await Self.served(app, q, officer: officer)
            await #expect(throws: SatisfactionEngine.Failure.wrongCounter) {
                try await engine.rate(next, score: 5, reason: nil, comment: nil, via: .tablet, device: other, staff: nil)
            }
        }
    }

    @Test func anOfficerCannotRateTheirOwnServiceAndLateOrUnservedTicketsAreRefused() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a ticket served by officer 1, one served 11 minutes ago, and one still waiting
            let q = try await QueueFixture.make(app)
            let officer = try await q.officer(1, app)
            let engine = SatisfactionEngine(app: app)
            let ticket = try await Self.served(app, q, officer: officer)
            let earlier = try await Self.served(app, q, officer: officer, minutesAgo: 11)
            let waiting = try await Self.served(app, q, officer: officer)
            waiting.status = .waiting
            let device = try await Self.device(app, q)
            // then the officer's own rating, the tablet's after its 10 minutes, and a rating of a waiting ticket are refused
            await #expect(throws: SatisfactionEngine.Failure.ownService) {
                try await engine.rate(ticket, score: 5, reason: nil, comment: nil, via: .phone, device: nil, staff: officer)
            }
            await #expect(throws: SatisfactionEngine.Failure.tooLate) {
                try await engine.rate(earlier, score: 5, reason: nil, comment: nil, via: .tablet, device: device, staff: nil)
            }
            await #expect(throws: SatisfactionEngine.Failure.notServed) {
                try await engine.rate(waiting, score: 5, reason: nil, comment: nil, via: .phone, device: nil, staff: nil)
            }
            // and a reason that does not fit the face is refused
            await #expect(throws: SatisfactionEngine.Failure.badReason) {
                try await engine.rate(ticket, score: 5, reason: .notFriendly, comment: nil, via: .phone, device: nil, staff: nil)
            }
        }
    }

    @Test func aLowRatingOpensAFollowUpAndItsReasonMayFollowWithinTwoMinutes() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a customer who gave two faces
            let q = try await QueueFixture.make(app)
            let engine = SatisfactionEngine(app: app)
            let ticket = try await Self.served(app, q, officer: try await q.officer(1, app))
            let rating = try await engine.rate(ticket, score: 2, reason: nil, comment: nil, via: .phone, device: nil, staff: nil)
            // when they add "officer not friendly" and a comment with markup
            try await engine.addReason(to: rating.id!, reason: .notFriendly, comment: "<b>tiada senyuman</b>", device: nil, ticketID: ticket.id)
            // then the unit head's follow-up says so, stored as text
            let followUp = try #require(try await SatisfactionFollowUp.query(on: app.db).first())
            #expect(followUp.status == .open && followUp.lowest == 2 && followUp.summary.contains("<b>tiada senyuman</b>"))
            // and the unit head's page lists it, escaped
            try await TestStaff.create(.headOfUnit, in: app)
            let head = TestBrowser(app)
            try await head.signIn(TestStaff.email(.headOfUnit))
            let page = try await head.get(SiteURL.satisfaction(.followUps).path)
            #expect(page.status == .ok && page.body.string.contains("&lt;b&gt;tiada senyuman&lt;/b&gt;"))
            // and it cannot be changed again, nor after two minutes
            await #expect(throws: SatisfactionEngine.Failure.alreadyRated) {
                try await engine.addReason(to: rating.id!, reason: .waitedTooLong, comment: nil, device: nil, ticketID: ticket.id)
            }
            let later = try await Self.served(app, q, officer: try await q.officer(1, app))
            let second = try await engine.rate(later, score: 3, reason: nil, comment: nil, via: .phone, device: nil, staff: nil)
            (app.clock as! FixedClock).set(Self.now.addingTimeInterval(121))
            await #expect(throws: SatisfactionEngine.Failure.tooLate) {
                try await engine.addReason(to: second.id!, reason: .unclear, comment: nil, device: nil, ticketID: later.id)
            }
        }
    }

    @Test func theReportsFiguresAreWorkedOutByHandAndSmallGroupsSuppressed() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given officer 1 served four customers who rated 5, 4 and 2 (one did not rate), officer 2 one who rated 1
            let q = try await QueueFixture.make(app)
            let engine = SatisfactionEngine(app: app)
            let one = try await q.officer(1, app), two = try await q.officer(2, app)
            for score in [5, 4, 2, 0] {
                let ticket = try await Self.served(app, q, officer: one)
                if score > 0 { _ = try await engine.rate(ticket, score: score, reason: score == 2 ? .waitedTooLong : nil, comment: nil, via: .phone, device: nil, staff: nil) }
            }
            _ = try await engine.rate(try await Self.served(app, q, counter: 1, officer: two), score: 1, reason: nil, comment: nil, via: .phone, device: nil, staff: nil)
            // and the agency shows figures from two respondents
            let settings = try await SatisfactionSettings.current(on: app.db)
            settings.minimumResponses = 2
            try await settings.save(on: app.db)
            app.satisfactionSettings.forget()

            // when March is read by officer
            let filter = SatisfactionFigures.Filter(from: LocalDate("2026-03-01")!, until: LocalDate("2026-04-01")!, branchID: nil, source: nil)
            let report = try await SatisfactionReport.read(filter, by: .officer, app: app, language: .en)

            // then officer 1: 3 respondents of 4 served (75.0 %), 11 of 15 points = index 73.3 (three stars), 2 of 3 satisfied (66.7 %)
            let first = try #require(report.lines.first { $0.key == one.id.uuidString })
            #expect(first.figures.respondents == 3 && first.figures.eligible == 4 && first.figures.responseRate == 75.0)
            #expect(first.figures.tally.index == 73.3 && first.figures.tally.stars?.stars == 3 && first.figures.tally.shareSatisfied == 66.7)
            #expect(!first.suppressed && first.figures.reasons == [.waitedTooLong: 1])
            // and officer 2, one respondent, is suppressed; the agency: 12 of 20 points = 60.0, two stars
            #expect(try #require(report.lines.first { $0.key == two.id.uuidString }).suppressed)
            #expect(report.total.figures.tally.index == 60.0 && report.total.figures.tally.stars?.stars == 2 && report.total.figures.eligible == 5)
        }
    }

    @Test func theCountsRebuiltFromTheRecordsEqualTheCountsKeptAsTheyCame() async throws {
        try await withLayan { app in
            // given the demo agency's year of ratings, served tickets and case surveys, counted by the triggers as they came
            _ = try await DemoLoader.load(on: app.db, application: app)
            let today = LocalDate(app.clock.now())
            let filter = SatisfactionFigures.Filter(from: today.adding(days: -400), until: today.adding(days: 1), branchID: nil, source: nil)
            let figures = SatisfactionFigures(db: app.db)
            var kept: [SatisfactionFigures.Dimension: [SatisfactionFigures.Line]] = [:]
            for dimension in SatisfactionFigures.Dimension.allCases { kept[dimension] = try await figures.lines(by: dimension, filter) }

            // when the counts are dropped and counted again from the records, as an upgrade does
            try await RollUpSatisfactionCounts().revert(on: app.db)
            try await RollUpSatisfactionCounts().prepare(on: app.db)

            // then every report line, by every dimension, is the same
            for dimension in SatisfactionFigures.Dimension.allCases {
                let lines = try await figures.lines(by: dimension, filter)
                #expect(!lines.isEmpty && lines == kept[dimension], "\(dimension)")
            }
        }
    }

    @Test func theTabletFindsItsLastCustomerThroughAnIndex() async throws {
        try await withLayan { app in
            guard TestDatabase.engine == "sqlite" else { return }
            // given the tablet's question, "who did this counter serve last?"
            let sql = app.db.sql
            var serializer = SQLSerializer(database: sql)
            RatingStore.lastServed(at: UUID(), since: Date(), on: sql).query.serialize(to: &serializer)
            // when SQLite plans it
            let plan = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: serializer.sql)").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
            // then it reads the counter's tickets by completion, not the whole table
            #expect(plan.contains("USING INDEX tickets_rated_idx"), "\(plan)")
        }
    }

    @Test func aResolvedCaseCarriesASignedSurveyLinkAnsweredOnce() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a complaint filed by e-mail and resolved
            let f = try await CaseFixture.make(app)
            let filed = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, categoryID: nil, subject: "Lampu", details: "Rosak",
                                                               name: "Siti", email: "siti@example.my", branchID: f.branch.id!), by: .system)
            for action in [CaseAction.acknowledge, .start, .resolve] {
                _ = try await f.engine(app).transition(filed.id!, action, details: .init(note: action == .resolve ? "Lampu dibaiki." : nil), by: .system)
            }
            // then the resolution's e-mail carries the survey link
            let mail = try #require(try await OutboxMessage.query(on: app.db).all().last { $0.body.contains("/tinjauan/") })
            let token = try #require(mail.body.components(separatedBy: "/tinjauan/").last?.split(whereSeparator: \.isWhitespace).first.map(String.init))
            // and the link opens the survey's page
            let page = try await TestBrowser(app).get(SiteURL.satisfaction(.survey(token)).path)
            #expect(page.status == .ok && page.body.string.contains(filed.reference) && page.body.string.contains("name=\"outcome\""))
            // when the customer answers 2, 3, 4 and would use the channel again
            let survey = try await CaseSurveys(app: app).answer(token: token, .init(outcome: 2, timeTaken: 3, manner: 4, useAgain: true, comment: "Lambat"))
            // then it is stored, a follow-up opened for the case (lowest 2), and a second answer refused
            #expect(survey.answeredAt != nil && survey.outcome == 2)
            let followUp = try #require(try await SatisfactionFollowUp.query(on: app.db).first())
            #expect(followUp.caseID == filed.id && followUp.lowest == 2)
            await #expect(throws: SatisfactionEngine.Failure.alreadyAnswered) {
                try await CaseSurveys(app: app).answer(token: token, .init(outcome: 5, timeTaken: 5, manner: 5))
            }
            // and the report counts its three answers (9 of 15 points = 60.0) for one respondent of one sent
            let filter = SatisfactionFigures.Filter(from: LocalDate("2026-03-01")!, until: LocalDate("2026-04-01")!, branchID: nil, source: .case)
            let lines = try await SatisfactionFigures(db: app.db).lines(by: .channel, filter)
            #expect(lines.count == 1 && lines[0].key == "web" && lines[0].respondents == 1 && lines[0].eligible == 1)
            #expect(lines[0].tally.index == 60.0 && lines[0].questions["manner"]?.mean == 4 && lines[0].wouldUseAgain == 1)
        }
    }

    @Test func aWhatsAppCustomerRatesByReplyingWithANumber() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a complaint that came by WhatsApp and was resolved in that conversation
            let f = try await CaseFixture.make(app)
            let intake = MessageIntake(db: app.db, app: app)
            func message(_ id: String, _ text: String) -> InboundMessage {
                InboundMessage(channel: .whatsapp, provider: "whatsapp-cloud", providerMessageID: id, sender: "60123456789", senderName: "Aminah", text: text,
                               replyRoute: ReplyRoute(channel: .whatsappCloud, recipient: "60123456789", sender: "1055"))
            }
            guard case let .filed(reference) = try await intake.take(message("m1", "Lampu jalan rosak di Jalan 7")) else { Issue.record("not filed"); return }
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$reference == reference).first())
            for action in [CaseAction.acknowledge, .start, .resolve] {
                _ = try await f.engine(app).transition(record.id!, action, details: .init(note: action == .resolve ? "Lampu dibaiki." : nil), by: .system)
            }
            // then the resolution in the conversation asks for a number
            let asked = try await OutboxMessage.query(on: app.db).all().last { $0.body.contains("/tinjauan/") }
            #expect(asked?.channel == .whatsappCloud && asked?.body.contains("1 (sangat tidak berpuas hati) hingga 5") == true)
            // when the customer replies "2"
            let outcome = try await intake.take(message("m2", " 2 "))
            // then it is the survey's answer — not a message on the case, nor a new case — and a low one is followed up
            #expect(outcome == .continued(reference))
            let survey = try #require(try await CaseSurvey.query(on: app.db).filter(\.$caseID == record.id!).first())
            #expect(survey.outcome == 2 && survey.answeredAt != nil && survey.manner == nil)
            #expect(try await SatisfactionFollowUp.query(on: app.db).filter(\.$caseID == record.id).count() == 1)
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            // and a second "5" does not change the answer: the survey was used up
            _ = try await intake.take(message("m3", "5"))
            #expect(try await CaseSurvey.find(survey.id, on: app.db)?.outcome == 2)
            // and the unit head reads the follow-up in their own language
            try await TestStaff.create(.headOfUnit, in: app)
            let head = TestBrowser(app)
            try await head.signIn(TestStaff.email(.headOfUnit))
            #expect(try await head.get(SiteURL.satisfaction(.followUps).path(["lang": "en"])).body.string.contains("Overall 2/5 (answered by reply)"))
            #expect(try await head.get(SiteURL.satisfaction(.followUps).path(["lang": "ms"])).body.string.contains("Keseluruhan 2/5"))
        }
    }

    @Test func aSurveyLinkMadeUpOrExpiredIsRefused() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a resolved case's survey
            let f = try await CaseFixture.make(app)
            let filed = try await f.engine(app).create(NewCase(type: .inquiry, channel: .web, categoryID: nil, subject: "Soalan", details: "Waktu operasi",
                                                               name: "Ali", email: "ali@example.my", branchID: f.branch.id!), by: .system)
            let record = try #require(try await CaseRecord.find(filed.id, on: app.db))
            let link = try #require(try await CaseSurveys(app: app).link(for: record, on: app.db))
            let token = String(link.split(separator: "/").last!)
            // then a made-up token is unknown, and the real one refused after its 14 days
            await #expect(throws: SatisfactionEngine.Failure.unknownSurvey) {
                try await CaseSurveys(app: app).answer(token: "AAAA.BBBB", .init(outcome: 5, timeTaken: 5, manner: 5))
            }
            (app.clock as! FixedClock).set(Self.now.addingTimeInterval(15 * 86_400))
            await #expect(throws: SatisfactionEngine.Failure.expired) {
                try await CaseSurveys(app: app).answer(token: token, .init(outcome: 5, timeTaken: 5, manner: 5))
            }
        }
    }

    @Test func aPairedTabletShowsTheFacesAndTheAPIRatesByTheTicketsKey() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a supervisor pairing the tablet at counter 1, then a customer served there
            let q = try await QueueFixture.make(app)
            try await TestStaff.create(.supervisor, in: app)
            let tablet = TestBrowser(app)
            try await tablet.signIn(TestStaff.email(.supervisor))
            try await tablet.get(SiteURL.satisfaction(.devices).path)
            let paired = try await tablet.post(SiteURL.satisfaction(.pair(q.counters[0].id!.uuidString)).path)
            #expect(paired.status == .seeOther && tablet.cookies[RatingController.tabletCookie] != nil)
            let ticket = try await Self.served(app, q, officer: try await q.officer(1, app))
            // when the tablet's page is opened
            let page = try await tablet.get(SiteURL.satisfaction(.tablet).path)
            // then it offers five faces for that ticket
            #expect(page.body.string.contains(ticket.label) && page.body.string.components(separatedBy: "name=\"score\"").count == 6)
            // and through the API, the ticket's key rates it once (201, then 409), a wrong key finds nothing (404)
            let api = TestBrowser(app)
            let path = SiteURL.api(.ticketRating(ticket.id!.uuidString)).path
            let wrong = try await api.send(.POST, path, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: #"{"key":"nope","score":5}"#))
            let first = try await api.send(.POST, path, headers: ["Content-Type": "application/json"],
                                           body: ByteBuffer(string: #"{"key":"\#(ticket.statusKey)","score":5,"reason":"friendly"}"#))
            let again = try await api.send(.POST, path, headers: ["Content-Type": "application/json"],
                                           body: ByteBuffer(string: #"{"key":"\#(ticket.statusKey)","score":4}"#))
            #expect(wrong.status == .forbidden)
            #expect(first.status == .created && again.status == .conflict)
            #expect(again.headers.contentType?.subType.contains("json") == true)
        }
    }
}

/// Improvement proposals (issue #20): opened from evidence, reviewed monthly, escalated when overdue, published.
@Suite struct ProposalTests {
    static let now = SatisfactionTests.now

    static func open(_ app: Application, due: String = "2026-04-30") async throws -> (ImprovementProposal, StaffIdentity) {
        let owner = try await TestStaff.create(.supervisor, in: app)
        let head = StaffIdentity(staff: try await TestStaff.create(.headOfUnit, in: app))
        let proposal = try await ProposalDesk(app: app).open(.init(
            title: "Kaunter tambahan waktu tengah hari", details: "Buka kaunter 4 dari 12:00 hingga 14:00.", source: .lowScore,
            evidence: "Indeks Shah Alam 12:00–14:00: 61.2", branchID: nil, ownerID: owner.id!, due: LocalDate(due)!), by: head)
        return (proposal, head)
    }

    @Test func aProposalMovesOnlyForwardWithAReviewEachTime() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a proposal opened from a low score
            let (proposal, head) = try await Self.open(app)
            let desk = ProposalDesk(app: app)
            // when it is approved, then done, each with its progress
            try await desk.review(proposal, note: "Diluluskan mesyuarat JKPP.", to: .approved, by: head)
            try await desk.review(proposal, note: "Kaunter 4 dibuka.", to: .done, by: head)
            // then it is done with both reviews recorded for March, and cannot go back, nor be reviewed without a note
            #expect(proposal.status == .done && proposal.doneAt != nil)
            #expect(try await ProposalReview.query(on: app.db).filter(\.$month == "2026-03").count() == 2)
            await #expect(throws: ProposalDesk.Failure.notAllowed(from: .done, to: .inProgress)) {
                try await desk.review(proposal, note: "x", to: .inProgress, by: head)
            }
            await #expect(throws: ProposalDesk.Failure.noteRequired) { try await desk.review(proposal, note: "  ", to: nil, by: head) }
        }
    }

    @Test func anOverdueProposalEscalatesOnceToItsOwnerAndTheHeads() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a proposal due on 20 March, still open on the 21st
            let (proposal, _) = try await Self.open(app, due: "2026-03-20")
            (app.clock as! FixedClock).set(LocalDate("2026-03-21")!.startInstant.addingTimeInterval(9 * 3600))
            // when the job runs twice
            let first = try await ProposalDesk(app: app).escalateOverdue()
            let second = try await ProposalDesk(app: app).escalateOverdue()
            // then its owner and the head of unit are told once
            #expect(first == 1 && second == 0)
            let mail = try await OutboxMessage.query(on: app.db).all().filter { $0.subject.contains(proposal.title) }
            #expect(Set(mail.map(\.recipient)) == [TestStaff.email(.supervisor), TestStaff.email(.headOfUnit)])
        }
    }

    @Test func onlyADoneProposalIsPublishedAndThePublicPageShowsItInItsLanguage() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a proposal still in progress
            let (proposal, head) = try await Self.open(app)
            let desk = ProposalDesk(app: app)
            // then it cannot be published yet
            await #expect(throws: ProposalDesk.Failure.notDone) {
                try await desk.publish(proposal, said: ("a", "b"), did: ("c", "d"), published: true)
            }
            // when it is done and published in both languages
            try await desk.review(proposal, note: "Diluluskan.", to: .approved, by: head)
            try await desk.review(proposal, note: "Siap.", to: .done, by: head)
            try await desk.publish(proposal, said: ("Menunggu lama waktu tengah hari", "Long waits at lunchtime"),
                                   did: ("Kaunter tambahan dibuka 12:00–14:00", "An extra counter opens 12:00–14:00"), published: true)
            // then the public page shows it, in English to an English reader
            let page = try await TestBrowser(app).get(SiteURL.satisfaction(.youSaidWeDid).path(["lang": "en"]))
            #expect(page.status == .ok && page.body.string.contains("Long waits at lunchtime") && page.body.string.contains("An extra counter opens"))
        }
    }
}

/// Two-way engagement (issue #20, PKPA §4d(6)): a session planned, attended, and what was raised followed up.
@Suite struct EngagementTests {
    @Test func whatIsRaisedAtASessionBecomesACaseAProposalOrANote() async throws {
        try await withLayan(clock: FixedClock(SatisfactionTests.now)) { app in
            // given a head of unit who planned a dialogue session at Shah Alam
            let f = try await CaseFixture.make(app)
            try await TestStaff.create(.headOfUnit, in: app)
            let head = TestBrowser(app)
            try await head.signIn(TestStaff.email(.headOfUnit))
            try await head.get(SiteURL.satisfaction(.engagement).path)
            let planned = try await head.post(SiteURL.satisfaction(.engagement).path, form: [
                "kind": "dialogue", "title": "Dialog bersama penduduk", "heldOn": "2026-03-12", "place": "Dewan Seksyen 7", "branch": f.branch.id!.uuidString,
                "audience": "Penduduk", "invitees": "Persatuan Penduduk"])
            let session = try #require(try await EngagementSession.query(on: app.db).first())
            #expect(planned.status == .seeOther)
            // when 40 attended and three points are recorded: one as a case, one as a proposal, one as a note
            let page = SiteURL.satisfaction(.engagementSession(session.id!.uuidString)).path
            try await head.get(page)
            try await head.post(page, form: ["attendance": "40"])
            for (raised, outcome) in [("Tempat letak motosikal berbumbung", "case"), ("SMS apabila giliran hampir", "proposal"), ("Terima kasih kepada kaunter", "note")] {
                try await head.get(page)
                try await head.post(SiteURL.satisfaction(.engagementItems(session.id!.uuidString)).path, form: ["raised": raised, "outcome": outcome])
            }
            // then the session counts 40, a suggestion case was filed at its branch, and a proposal opened from it
            #expect(try await EngagementSession.find(session.id, on: app.db)?.attendance == 40)
            let items = try await EngagementItem.query(on: app.db).all()
            let filed = try #require(try await CaseRecord.find(try #require(items.first { $0.outcome == .case }?.caseID), on: app.db))
            #expect(filed.type == .suggestion && filed.channel == .walkIn && filed.$branch.id == f.branch.id)
            let proposal = try #require(try await ImprovementProposal.find(items.first { $0.outcome == .proposal }?.proposalID, on: app.db))
            #expect(proposal.source == .engagement && proposal.evidence.contains("Dialog bersama penduduk"))
            // and the page lists all three
            let shown = try await head.get(page)
            #expect(shown.status == .ok && shown.body.string.contains(filed.reference) && shown.body.string.contains("Terima kasih kepada kaunter"))
        }
    }
}

/// The periodic survey on PKPA's 14 quality items (issue #20): gaps worked out by hand, versions that keep past
/// answers with their questions, paper entry, and the public form.
@Suite struct PeriodicSurveyTests {
    static func answers(_ items: [PeriodicSurveyItem], _ quality: QualityItem, e: Int, p: Int) -> [UUID: PeriodicSurveys.Answer] {
        [items.first { $0.quality == quality }!.id!: .init(expectation: e, perception: p)]
    }

    @Test func gapsPerItemAndGroupAreWorkedOutByHand() async throws {
        try await withLayan(clock: FixedClock(SatisfactionTests.now)) { app in
            // given the PKPA survey, and three respondents' timeliness (E 5, 5, 4 / P 4, 3, 4) and respect (E 4 / P 5)
            let engine = PeriodicSurveys(app: app)
            let survey = try await engine.createFromTemplate(code: "pkpa-2026", titleMS: "Tinjauan", titleEN: "Survey")
            let items = try await engine.asked(survey)
            #expect(items.filter { $0.kind == SurveyItemKind.servqual }.count == 14)
            for (e, p) in [(5, 4), (5, 3), (4, 4)] {
                _ = try await engine.submit(survey, answers: Self.answers(items, .timeliness, e: e, p: p), channel: .web, branchID: nil, enteredBy: nil)
            }
            let recommend = try #require(items.firstIndex { $0.kind == SurveyItemKind.recommend }.map { items[$0].id! })
            var last = Self.answers(items, .respect, e: 4, p: 5)
            last[recommend] = PeriodicSurveys.Answer(value: 9)
            _ = try await engine.submit(survey, answers: last, channel: .paper, branchID: nil, enteredBy: "Kerani")
            // when March is read
            let results = try await PeriodicSurveyResults.read(survey, from: CharterMonth(key: "2026-03")!, to: CharterMonth(key: "2026-03")!,
                                                               branchID: nil, on: app.db)
            // then timeliness' gap is (11 − 14) / 3 = −1.00, respect's +1.00; delivery's group −1.00, emotion's +1.00, physical none
            #expect(results.responses == 4)
            #expect(results.items.first { $0.item.quality == .timeliness }?.gap.gap == -1.0)
            #expect(results.items.first { $0.item.quality == .respect }?.gap.gap == 1.0)
            let groups = Dictionary(results.groups.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            #expect(groups[.delivery]?.gap == -1.0 && groups[.emotion]?.gap == 1.0 && groups[.physical]?.gap == nil)
            // and the perception index is 16 of 20 points = 80.0 (four stars); NPS with one promoter is 100
            #expect(results.perceptionIndex.index == 80.0 && results.perceptionIndex.stars?.stars == 4)
            #expect(results.items.first { $0.item.kind == SurveyItemKind.recommend }?.recommend.nps == 100)
        }
    }

    @Test func aChangedSurveyKeepsPastAnswersWithTheirQuestions() async throws {
        try await withLayan(clock: FixedClock(SatisfactionTests.now)) { app in
            // given the PKPA survey answered once on support facilities
            let engine = PeriodicSurveys(app: app)
            let survey = try await engine.createFromTemplate(code: "pkpa", titleMS: "Tinjauan", titleEN: "Survey")
            let items = try await engine.asked(survey)
            _ = try await engine.submit(survey, answers: Self.answers(items, .supportFacilities, e: 3, p: 2), channel: .web, branchID: nil, enteredBy: nil)
            // when support facilities is retired and a parking question added
            let facilities = items.first { $0.quality == .supportFacilities }!
            try await engine.retire(facilities, of: survey)
            try await engine.add(SurveyItemDraft(kind: .rating, textMS: "Tempat letak kereta mencukupi", textEN: "Enough parking"), to: survey)
            // then the survey is at version 2, no longer asks it, asks the new one — and the past answer still reads
            let now = try await engine.asked(survey)
            #expect(survey.version == 2 && !now.contains { $0.id == facilities.id } && now.contains { $0.textEN == "Enough parking" })
            let results = try await PeriodicSurveyResults.read(survey, from: CharterMonth(key: "2026-03")!, to: CharterMonth(key: "2026-03")!,
                                                               branchID: nil, on: app.db)
            #expect(results.items.first { $0.item.id == facilities.id }?.gap.gap == -1.0)
            // and an answer to the retired item, or off its scale, or half a pair, is refused
            await #expect(throws: PeriodicSurveys.Failure.invalid(item: facilities.id!)) {
                try await engine.submit(survey, answers: [facilities.id!: .init(expectation: 3, perception: 3)], channel: .web, branchID: nil, enteredBy: nil)
            }
            let accuracy = now.first { $0.quality == .accuracy }!.id!
            await #expect(throws: PeriodicSurveys.Failure.invalid(item: accuracy)) {
                try await engine.submit(survey, answers: [accuracy: .init(expectation: 6, perception: 3)], channel: .web, branchID: nil, enteredBy: nil)
            }
            await #expect(throws: PeriodicSurveys.Failure.invalid(item: accuracy)) {
                try await engine.submit(survey, answers: [accuracy: .init(expectation: 4)], channel: .web, branchID: nil, enteredBy: nil)
            }
        }
    }

    @Test func thePublicFormTakesOneResponsePerBrowserAndTheAPITakesAnswersByCode() async throws {
        try await withLayan(clock: FixedClock(SatisfactionTests.now)) { app in
            // given the PKPA survey open under "pkpa"
            let survey = try await PeriodicSurveys(app: app).createFromTemplate(code: "pkpa", titleMS: "Tinjauan", titleEN: "Survey")
            let items = try await PeriodicSurveys(app: app).asked(survey)
            let accuracy = items.first { $0.quality == .accuracy }!.id!.uuidString
            // when a customer answers accuracy on the public form, then sends the form again
            let customer = TestBrowser(app)
            let page = try await customer.get(SiteURL.satisfaction(.periodic("pkpa")).path)
            #expect(page.status == .ok && page.body.string.contains("name=\"e-\(accuracy)\""))
            let sent = try await customer.post(SiteURL.satisfaction(.periodic("pkpa")).path, form: ["e-\(accuracy)": "5", "p-\(accuracy)": "4"])
            try await customer.post(SiteURL.satisfaction(.periodic("pkpa")).path, form: ["e-\(accuracy)": "1", "p-\(accuracy)": "1"])
            // then one response is stored
            #expect(sent.status == .seeOther)
            #expect(try await PeriodicSurveyResponse.query(on: app.db).count() == 1)
            // and the API takes another by the survey's code, refusing an unknown code (403) and an off-scale answer (422)
            let api = TestBrowser(app)
            func post(_ body: String) async throws -> HTTPStatus {
                try await api.send(.POST, SiteURL.api(.surveyResponse).path, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: body)).status
            }
            #expect(try await post(#"{"survey":"pkpa","answers":[{"item":"\#(accuracy)","expectation":4,"perception":4}]}"#) == .created)
            #expect(try await post(#"{"survey":"nope","answers":[]}"#) == .forbidden)
            #expect(try await post(#"{"survey":"pkpa","answers":[{"item":"\#(accuracy)","expectation":9,"perception":4}]}"#) == .unprocessableEntity)
            #expect(try await PeriodicSurveyResponse.query(on: app.db).count() == 2)
        }
    }
}
