import Fluent
import Testing
import VaporTesting
@testable import Layan
@testable import LayanCore

@Suite struct DemoTests {
    @Test func demoAgencyIsRealisticAndLoadsOnce() async throws {
        try await withLayan { app in
            // when loaded twice
            #expect(try await DemoLoader.load(on: app.db, application: app))
            #expect(try await !DemoLoader.load(on: app.db, application: app))
            // then one agency, three branches in three states (Kelantan among them), 20+ staff in every role
            #expect(try await Agency.query(on: app.db).count() == 1)
            let branches = try await Branch.query(on: app.db).all()
            #expect(Set(branches.map(\.state)).count == 3)
            #expect(branches.contains { $0.state == .kelantan })
            let staff = try await Staff.query(on: app.db).all()
            #expect(staff.count >= 20)
            #expect(Set(staff.flatMap(\.roles)) == Set(StaffRole.allCases))
            #expect(try await Division.query(on: app.db).count() >= 4)
            // and the home page now shows the agency's name
            try await app.testing().test(.GET, "/") { res async throws in
                #expect(res.body.string.contains(DemoAgency.agency.nameMs))
            }
        }
    }

    @Test func demoAgencyHasAReviewedCharterWithAYearOfAchievement() async throws {
        try await withLayan { app in
            // when the demo agency is loaded
            #expect(try await DemoLoader.load(on: app.db, application: app))
            let today = LocalDate(app.clock.now())
            // then version 2 (last year's review, with what changed) is in force, version 1 superseded, the review due within 30 days
            let inForce = try #require(try await CharterEngine(app: app).inForce(on: today))
            #expect(inForce.number == 2 && !inForce.changeNote.isEmpty && inForce.review!.daysLeft(on: today) <= 30)
            #expect(try await CharterVersion.query(on: app.db).filter(\.$status == .superseded).count() == 1)
            // and every counter and case commitment has transactions in each of the last twelve whole months, with misses
            let months = CharterMonth(containing: today).previous.lastMonths(12)
            let table = try await CharterTable.read(on: app.db, months: months, branchID: nil, today: today)
            for row in table.rows where [.counterWait, .caseResolved].contains(row.commitment.metric) {
                #expect(row.cells.allSatisfy { $0.transactions > 0 })
            }
            #expect(table.rows.contains { $0.cells.contains { $0.state == .notMet } } && table.rows.contains { $0.cells.contains { $0.state == .met } })
            // and Kota Bharu keeps its own licence standard, which its queue works to
            let kota = try #require(try await Branch.query(on: app.db).filter(\.$code == "KBR").first())
            let licences = try #require(inForce.commitments.first { $0.subject == "B" })
            #expect(licences.draft.standard(at: kota.id) == 30 && licences.draft.targetPercent(at: kota.id) == 85)
            let kotaLicences = try await QueueService.query(on: app.db).filter(\.$branch.$id == kota.id!).filter(\.$letter == "B").first()
            #expect(kotaLicences?.targetWaitMinutes == 30)
            // and the months before last are published with every miss explained, and the review reminder is in the outbox
            #expect(try await CharterPublishedMonth.query(on: app.db).count() == 6)
            #expect(try await OutboxMessage.query(on: app.db).all().contains { $0.subject.contains("piagam") })
        }
    }

    @Test func demoAgencyHasAYearOfSatisfactionWithItsPatternsToFind() async throws {
        try await withLayan { app in
            // when the demo agency is loaded
            _ = try await DemoLoader.load(on: app.db, application: app)
            let today = LocalDate(app.clock.now())
            let filter = SatisfactionFigures.Filter(from: today.adding(days: -365), until: today.adding(days: 1), branchID: nil, source: nil)
            // then every month of the year has ratings, with a response rate below 100 %
            let months = try await SatisfactionFigures(db: app.db).lines(by: .month, filter)
            #expect(months.count >= 12 && months.allSatisfy { $0.respondents > 0 && $0.respondents < $0.eligible })
            // and the officer rated "not friendly" most is the demo's pattern
            let officers = try await SatisfactionFigures(db: app.db).lines(by: .officer, filter)
            let worst = try #require(officers.max { ($0.reasons[.notFriendly] ?? 0) < ($1.reasons[.notFriendly] ?? 0) })
            let nik = try #require(try await Staff.query(on: app.db).filter(\.$email == DemoSatisfaction.unfriendlyOfficer).first())
            #expect(worst.key == nik.id!.uuidString)
            // and case surveys were answered, and last month's low scores wait as open follow-ups
            #expect(try await CaseSurvey.query(on: app.db).filter(\.$answeredAt != nil).count() > 20)
            #expect(try await SatisfactionFollowUp.query(on: app.db).filter(\.$status == .open).count() > 0)
            // and proposals stand in every status, two published, and two engagement sessions were recorded
            let proposals = try await ImprovementProposal.query(on: app.db).all()
            #expect(Set(proposals.map(\.status)) == Set(ProposalStatus.allCases) && proposals.filter(\.published).count == 2)
            let sessions = try await EngagementSession.query(on: app.db).count(), items = try await EngagementItem.query(on: app.db).count()
            #expect(sessions == 2 && items == 3)
            // and the PKPA survey's year shows customers finding less than they expect on timeliness
            let survey = try #require(try await PeriodicSurvey.query(on: app.db).filter(\.$code == "pkpa").first())
            let results = try await PeriodicSurveyResults.read(survey, from: CharterMonth(containing: today).lastMonths(13)[0], to: CharterMonth(containing: today),
                                                               branchID: nil, on: app.db)
            #expect(results.responses == 400 && (results.items.first { $0.item.quality == .timeliness }?.gap.gap ?? 0) < 0)
        }
    }

    @Test func demoAgencyHasOpen311ServicesAndRequestsFromThem() async throws {
        try await withLayan { app in
            // when
            _ = try await DemoLoader.load(on: app.db, application: app)
            // then
            #expect(try await Open311ServiceRecord.query(on: app.db).filter(\.$published == true).count() == DemoChannels.services.count)
            let filed = try await CaseRecord.query(on: app.db).filter(\.$channel == .open311).count()
            #expect(filed == DemoChannels.requests.count)
            #expect(try await Open311RequestRecord.query(on: app.db).count() == filed)
            #expect(try await CaseRecord.query(on: app.db).filter(\.$channel ~~ [.sms, .whatsapp]).count() == 2, "one sender wrote twice")
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .duplicate).count() == 1)
        }
    }

    @Test func demoAgencyHasEveryOtherChannelAtWork() async throws {
        try await withLayan { app in
            // when
            _ = try await DemoLoader.load(on: app.db, application: app)
            // then e-mail: two complaints, a reply continued, an auto-reply ignored, one kept as failed
            #expect(try await CaseRecord.query(on: app.db).filter(\.$channel == .email).count() == 2)
            let mail = try await IntakeEntry.query(on: app.db).filter(\.$channel == .email).all().map(\.outcome)
            #expect(Set(mail) == [.filed, .continued, .ignored, .failed])
            #expect(try await FailedMail.query(on: app.db).filter(\.$state == .waiting).count() == 1)
            // X, answered back by direct message
            #expect(try await CaseRecord.query(on: app.db).filter(\.$channel == .x).count() == 1)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$channel == .x).count() == 1)
            // and paper forms from the box and the counter, with their serials
            #expect(try await PaperFormEntry.query(on: app.db).count() == 3)
            #expect(try await CaseRecord.query(on: app.db).filter(\.$channel ~~ [.feedbackBox, .counterForm]).count() >= 3)
        }
    }

    @Test func demoAgencyHasAMonthOfCallsAndMessagesForAbsentOfficers() async throws {
        try await withLayan { app in
            // when
            _ = try await DemoLoader.load(on: app.db, application: app)
            // then thousands of calls on both queues, busiest at ten and after the midday break
            let calls = try await TelephoneCall.query(on: app.db).all()
            #expect(calls.count > 2000 && Set(calls.map(\.queue)) == ["operator", "aduan"])
            let byHour = Dictionary(grouping: calls, by: \.localHour).mapValues(\.count)
            #expect((byHour[10] ?? 0) > (byHour[13] ?? 0) * 3 && (byHour[14] ?? 0) > (byHour[13] ?? 0) * 3)
            #expect(calls.contains { $0.outcome == .abandoned } && calls.contains(where: \.returned) && calls.contains { $0.$staff.id != nil })
            // and messages: two open, one returned; someone on leave
            let messages = try await PhoneMessage.query(on: app.db).filter(\.$kind == .message).all()
            #expect(messages.filter(\.isOpen).count == 2 && messages.filter { $0.returnedInTime == true }.count == 1)
            #expect(try await StaffPresence.query(on: app.db).filter(\.$state == .onLeave).count() == 1)
        }
    }

    @Test func demoPasswordMeetsThePolicy() {
        #expect(PasswordPolicy.problem(with: DemoAgency.password) == nil)
    }

    @Test func demoStaffHaveUniqueValidEmails() {
        let emails = DemoAgency.staff.map(\.email)
        #expect(Set(emails).count == emails.count)
        #expect(emails.allSatisfy { EmailAddress.normalised($0) == $0 })
    }
}
