import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Personal data (issue #21, item 6): retention by kind of record, a person's copy, erasure on request — on both engines.
@Suite struct PersonalDataTests {
    static let now = Date(timeIntervalSince1970: 1_796_608_800) // 2026-12-07 10:00 MYT
    static let years = 365.25 * 86_400

    /// A case from this customer, closed `closedYearsAgo` years ago (nil: still open), with an attachment and a message of theirs.
    static func fileCase(_ app: Application, _ f: CaseFixture, email: String, phone: String, closedYearsAgo: Double?) async throws -> CaseRecord {
        let filed = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, categoryID: nil, subject: "Lampu jalan", details: "Rosak di rumah saya, No. 7",
                                                           name: "Siti Aminah", email: email, phone: phone, idDocument: "880101-03-5678",
                                                           onBehalfOf: "Ibu", consentGiven: true, branchID: f.branch.id!), by: .system)
        let attachment = CaseAttachment()
        attachment.$caseRecord.id = filed.id!; attachment.fileName = "gambar.jpg"; attachment.contentType = "image/jpeg"
        attachment.data = Data(repeating: 1, count: 64); attachment.size = 64; attachment.isPublic = false; attachment.at = app.clock.now()
        try await attachment.create(on: app.db)
        guard let years = closedYearsAgo else { return filed }
        let record = try #require(try await CaseRecord.find(filed.id, on: app.db))
        record.status = .closed; record.closedAt = app.clock.now().addingTimeInterval(-years * Self.years)
        try await record.save(on: app.db)
        return record
    }

    static func call(_ app: Application, caller: String, yearsAgo: Double) async throws {
        let call = TelephoneCall()
        let at = app.clock.now().addingTimeInterval(-yearsAgo * Self.years)
        call.callKey = UUID().uuidString; call.callID = UUID().uuidString; call.queue = "aduan"; call.caller = caller; call.enteredAt = at
        call.enteredEpoch = Int(at.timeIntervalSince1970); call.localDay = LocalDate(at).iso; call.localHour = 10; call.outcome = .answered
        call.answered = true; call.abandoned = false; call.waitSeconds = 5; call.talkSeconds = 60; call.ringNoAnswer = 0; call.returned = false
        call.source = .queueLog
        try await call.create(on: app.db)
    }

    @Test func retentionTakesOutWhoTheyWereOnlyPastThePeriodAndKeepsTheFigures() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a case closed eight years ago, one closed last year and one still open, all from Siti
            let f = try await CaseFixture.make(app)
            let old = try await Self.fileCase(app, f, email: "siti@example.my", phone: "012-345 6789", closedYearsAgo: 8)
            let recent = try await Self.fileCase(app, f, email: "siti@example.my", phone: "012-345 6789", closedYearsAgo: 1)
            let open = try await Self.fileCase(app, f, email: "siti@example.my", phone: "012-345 6789", closedYearsAgo: nil)
            // and her calls three years and a week ago (calls are kept two years)
            try await Self.call(app, caller: "0123456789", yearsAgo: 3)
            try await Self.call(app, caller: "0123456789", yearsAgo: 0.02)

            // when the daily job runs
            let counts = try #require(try await RetentionJob(app: app).runOnce())

            // then the old case keeps its reference, type, dates and outcome but not who she was, what she wrote or sent
            let kept = try #require(try await CaseRecord.find(old.id, on: app.db))
            #expect(kept.reference == old.reference && kept.type == .complaint && kept.receivedAt == old.receivedAt && kept.status == .closed)
            #expect(kept.customerName == nil && kept.customerEmail == nil && kept.customerPhone == nil && kept.customerPhoneDigits == nil)
            #expect(kept.customerIDDocument == nil && kept.onBehalfOf == nil && kept.details.isEmpty && kept.anonymisedAt == Self.now)
            #expect(try await CaseAttachment.query(on: app.db).filter(\.$caseRecord.$id == old.id!).count() == 0)
            let bodies = try await CaseEvent.query(on: app.db).filter(\.$caseRecord.$id == old.id!).filter(\.$kind == .received).all().map(\.body)
            #expect(bodies.allSatisfy { $0 == nil })
            // and the recent and open cases, and the recent call, are untouched
            for id in [recent.id!, open.id!] {
                let untouched = try #require(try await CaseRecord.find(id, on: app.db))
                #expect(untouched.customerEmail == "siti@example.my" && untouched.anonymisedAt == nil && !untouched.details.isEmpty)
            }
            let callers = try await TelephoneCall.query(on: app.db).sort(\.$enteredAt).all().map(\.caller)
            #expect(callers == [nil, "0123456789"])
            #expect(counts[.closedCases] == 1 && counts[.telephoneCalls] == 1)
            // and the run is on the audit trail, and a second run the same day does nothing
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .anonymiseExpired).count() == 1)
            #expect(try await RetentionJob(app: app).runOnce() == nil)
        }
    }

    @Test func anAgencysShorterPeriodTakesEffectAndABadOneIsRefused() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given a case closed last year, and an administrator
            let f = try await CaseFixture.make(app)
            let recent = try await Self.fileCase(app, f, email: "siti@example.my", phone: "0123456789", closedYearsAgo: 1)
            let admin = try await TestStaff.create(.administrator, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(admin.email)
            var form = Dictionary(uniqueKeysWithValues: PersonalRecordType.allCases.flatMap { type in
                [("months_\(type.rawValue)", "\(type.defaultMonths)"), ("reference_\(type.rawValue)", "")]
            })
            // when a period of 0 months is sent; then it is refused and nothing is stored
            form["months_closed_cases"] = "0"
            _ = try await browser.post(SiteURL.personalData(.retention).path, form: form)
            #expect(try await RetentionRule.query(on: app.db).count() == 0)
            // when the schedule says six months for case files
            form["months_closed_cases"] = "6"; form["reference_closed_cases"] = "Jadual Pelupusan Rekod, butiran 4.2"
            _ = try await browser.post(SiteURL.personalData(.retention).path, form: form)
            // then it is stored with its reference, audited, and the job takes last year's case
            let rule = try #require(try await RetentionRule.query(on: app.db).filter(\.$recordType == .closedCases).first())
            #expect(rule.months == 6 && rule.scheduleReference == "Jadual Pelupusan Rekod, butiran 4.2")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$entityType == "retention_rule").count() == 1)
            try await RetentionJob(app: app).runOnce()
            #expect(try await CaseRecord.find(recent.id, on: app.db)?.customerEmail == nil)
        }
    }

    @Test func aPersonGetsACopyOfEverythingHeldAboutThemAndTheLookupIsAudited() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given Siti's case, her call and a telephone message she left, and someone else's case
            let f = try await CaseFixture.make(app)
            let hers = try await Self.fileCase(app, f, email: "Siti@Example.my", phone: "+60 12-345 6789", closedYearsAgo: nil)
            _ = try await Self.fileCase(app, f, email: "ali@example.my", phone: "0199999999", closedYearsAgo: nil)
            try await Self.call(app, caller: "0123456789", yearsAgo: 0.1)
            let admin = try await TestStaff.create(.administrator, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(admin.email)

            // when the administrator looks her up by e-mail and phone, and downloads her copy
            let page = try await browser.get(SiteURL.personalData(.subject).path(["email": "siti@example.my", "phone": "012 345 6789"]))
            let copy = try await browser.get(SiteURL.personalData(.export).path(["email": "siti@example.my", "phone": "012 345 6789"]))

            // then the page lists her case and call, not Ali's
            #expect(page.status == .ok && page.body.string.contains(hers.reference) && !page.body.string.contains("ali@example.my"))
            // and the copy is JSON with her case (her identity number in full: it is hers), her call and the mail sent to her
            #expect(copy.status == .ok && copy.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(copy.body.readableBytesView)) as? [String: Any])
            let cases = try #require(json["cases"] as? [[String: Any]])
            #expect(cases.count == 1 && cases[0]["reference"] as? String == hers.reference && cases[0]["identityNumber"] as? String == "880101-03-5678")
            #expect((json["calls"] as? [Any])?.count == 1 && ((json["messagesSent"] as? [Any])?.count ?? 0) >= 1)
            // and both the lookup and the copy are on the audit trail, without the identity number
            let trail = try await AuditEvent.query(on: app.db).filter(\.$entityType == "personal_data").all()
            #expect(Set(trail.map(\.action)) == [.viewPersonalData, .exportPersonalData] && trail.allSatisfy { !($0.changes ?? "").contains("880101") })
        }
    }

    @Test func erasureOnRequestKeepsCasesStillBeingHandledAndIsAudited() async throws {
        try await withLayan(clock: FixedClock(Self.now)) { app in
            // given Siti's closed case and her open one
            let f = try await CaseFixture.make(app)
            let closed = try await Self.fileCase(app, f, email: "siti@example.my", phone: "0123456789", closedYearsAgo: 0.5)
            let open = try await Self.fileCase(app, f, email: "siti@example.my", phone: "0123456789", closedYearsAgo: nil)
            let admin = try await TestStaff.create(.administrator, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(admin.email)
            // when erasure is asked without a reason; then nothing is erased
            _ = try await browser.post(SiteURL.personalData(.erase).path, form: ["email": "siti@example.my", "reason": ""])
            #expect(try await CaseRecord.find(closed.id, on: app.db)?.customerEmail == "siti@example.my")
            // when it is asked with the written request as the reason
            _ = try await browser.post(SiteURL.personalData(.erase).path, form: ["email": "siti@example.my", "reason": "Surat bertarikh 1 Dis 2026"])
            // then the closed case loses her data, the open one keeps it until it is finished
            #expect(try await CaseRecord.find(closed.id, on: app.db)?.customerEmail == nil)
            #expect(try await CaseRecord.find(open.id, on: app.db)?.customerEmail == "siti@example.my")
            // and the erasure, with its reason, is on the audit trail
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == .erasePersonalData).first())
            #expect(event.actor == admin.email && (event.changes ?? "").contains("Surat bertarikh"))
        }
    }

    @Test func theDemoAgencyHasItsDisposalScheduleAndTheJobRunsOnIt() async throws {
        try await withLayan { app in
            // given the demo agency
            _ = try await DemoLoader.load(on: app.db, application: app)
            // then every kind of record has its period and schedule item
            let rules = try await RetentionRule.query(on: app.db).all()
            #expect(rules.count == PersonalRecordType.allCases.count && rules.allSatisfy { $0.scheduleReference.contains("Jadual Pelupusan") })
            // and the daily job runs on its year of records without touching a case from within the period
            let counts = try #require(try await RetentionJob(app: app).runOnce())
            let anonymised = try await CaseRecord.query(on: app.db).filter(\.$anonymisedAt != nil).count()
            #expect(counts[.closedCases] == 0 && anonymised == 0)
        }
    }
}
