import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Layan
@testable import LayanCore

@Suite struct CasePageTests {
    @Test func thePublicFilesACaseAndMarkupIsShownAsText() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let visitor = TestBrowser(app)
            try await visitor.get("/kes/baru?type=complaint")
            let form = ["type": "complaint", "subject": "<script>alert(1)</script>", "details": "Jalan <b>berlubang</b>", "branch": f.branch.id!.uuidString,
                        "name": "Ah Kow", "email": "ahkow@example.my", "contactBy": "email", "language": "ms"]
            let filed = try await visitor.post("/kes/baru", form: form)
            #expect(filed.status == .seeOther)
            let location = try #require(filed.headers.first(name: .location))
            let page = try await visitor.get(location)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("ADU-2026-000001"))
            #expect(page.body.string.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.body.string.contains("<script>alert(1)"))
            // the honeypot: a robot that fills every field files nothing
            try await visitor.get("/kes/baru")
            let robot = try await visitor.post("/kes/baru", form: form.merging(["website": "http://spam.example"]) { $1 })
            #expect(robot.status == .unprocessableEntity)
            // no contact for a named customer: the form comes back with the message, nothing stored
            try await visitor.get("/kes/baru")
            let missing = try await visitor.post("/kes/baru", form: form.merging(["email": ""]) { $1 })
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("error-summary"))
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            // a wrong key shows nothing
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            #expect(try await visitor.get("/kes/s/\(record.id!)?k=wrong").status == .notFound)
            #expect(try await visitor.get("/kes/s/\(record.id!)").status == .notFound)
        }
    }

    @Test func theCustomerAnswersAQuestionAndTheClockRunsAgain() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let engine = f.engine(app)
            let record = try await engine.create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            _ = try await engine.transition(record.id!, .awaitCustomer, details: .init(note: "Nombor lot?"), by: .staff(StaffIdentity(staff: f.dutyOfficers[0])))
            let visitor = TestBrowser(app)
            let page = try await visitor.get(CaseURL.publicStatus(record))
            #expect(page.body.string.contains("Nombor lot?"))
            let reply = try await visitor.post("/kes/s/\(record.id!)/maklumat?k=\(record.publicKey)", form: ["message": "Lot 42"])
            #expect(reply.status == .seeOther)
            #expect(try await CaseRecord.find(record.id, on: app.db)?.status == .inProgress)
            // an empty message is refused with the form again
            try await visitor.get(CaseURL.publicStatus(record))
            #expect(try await visitor.post("/kes/s/\(record.id!)/maklumat?k=\(record.publicKey)", form: ["message": " "]).status == .unprocessableEntity)
        }
    }

    @Test func anOfficerFilesAPhoneComplaintAndWorksIt() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app, onDuty: 1)
            let officer = TestBrowser(app)
            try await officer.signIn("kes1@test.layan.my")
            #expect(try await officer.get("/cases/new").status == .ok)
            let filed = try await officer.post("/cases/new", form: ["type": "complaint", "channel": "phone", "subject": "Bising", "details": "Kerja malam",
                                                                 "branch": f.branch.id!.uuidString, "name": "Pemanggil", "phone": "019-222 3333", "contactBy": "sms"])
            #expect(filed.status == .seeOther)
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            #expect(record.channel == .phone && record.$createdBy.id == f.dutyOfficers[0].id && record.contactBy == .sms)
            #expect(try await OutboxMessage.query(on: app.db).first()?.channel == .sms)
            // a channel the public uses cannot be claimed by staff entry
            try await officer.get("/cases/new")
            #expect(try await officer.post("/cases/new", form: ["type": "complaint", "channel": "api", "subject": "s", "details": "d",
                                                                "branch": f.branch.id!.uuidString, "name": "P", "phone": "0192223333"]).status == .unprocessableEntity)
            let page = try await officer.get(CaseURL.staff(record))
            #expect(page.status == .ok && page.body.string.contains("019-222 3333"))
            // viewing the customer's data is audited
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .viewPersonalData).count() == 1)
            // resolving without a note: the page again with the message, the case unchanged
            let refused = try await officer.post("\(CaseURL.staff(record))/transition", form: ["action": "resolve"])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await officer.post("\(CaseURL.staff(record))/transition", form: ["action": "acknowledge"]).status == .seeOther)
            try await officer.get(CaseURL.staff(record))
            #expect(try await officer.post("\(CaseURL.staff(record))/message", form: ["body": "Panggil semula esok", "visibility": "internal"]).status == .seeOther)
            #expect(try await CaseRecord.find(record.id, on: app.db)?.status == .acknowledged)
            let lists = [try await officer.get("/cases?mine=1"), try await officer.get("/cases?type=complaint&due=overdue"), try await officer.get("/cases?status=acknowledged")]
            #expect(lists.map(\.status) == [.ok, .ok, .ok])
            #expect(lists[0].body.string.contains(record.reference) && !lists[1].body.string.contains(record.reference) && lists[2].body.string.contains(record.reference))
            // a case officer may not reassign or keep the rota
            #expect(try await officer.post("\(CaseURL.staff(record))/assign", form: ["staff": f.dutyOfficers[1].id!.uuidString]).status == .forbidden)
            #expect(try await officer.get("/cases/duty").status == .forbidden)
        }
    }

    @Test func theSupervisorKeepsTheRotaAndIsWarnedOfUncoveredDays() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app, onDuty: 1)
            _ = try await TestStaff.create(.supervisor, in: app)
            let supervisor = TestBrowser(app)
            try await supervisor.signIn(TestStaff.email(.supervisor))
            let list = try await supervisor.get("/cases")
            #expect(list.body.string.contains("flash--error")) // tomorrow onwards nobody is on duty
            try await supervisor.get("/cases/duty")
            let added = try await supervisor.post("/cases/duty", form: ["branch": f.branch.id!.uuidString, "staff": f.dutyOfficers[1].id!.uuidString,
                                                                       "from": "2026-11-25", "until": "2026-12-08"])
            #expect(added.status == .seeOther)
            // ten working days in Selangor from 25 Nov to 8 Dec (weekends skipped)
            #expect(try await DutyShift.query(on: app.db).filter(\.$staff.$id == f.dutyOfficers[1].id!).count() == 10)
            // and each shift is on the audit trail
            #expect(try await AuditEvent.query(on: app.db).filter(\.$entityType == "duty_shift").filter(\.$action == .create).count() == 10)
            #expect(!(try await supervisor.get("/cases").body.string.contains("flash--error")))
            try await supervisor.get("/cases/duty")
            let bad = try await supervisor.post("/cases/duty", form: ["branch": f.branch.id!.uuidString, "staff": f.dutyOfficers[1].id!.uuidString,
                                                                     "from": "2026-12-08", "until": "2026-11-25"])
            #expect(bad.status == .unprocessableEntity)
        }
    }

    @Test func anonymousWebTicketsAreLimitedPerAddress() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let visitor = TestBrowser(app)
            var statuses: [UInt] = []
            for _ in 0..<31 {
                try await visitor.get("/q/KBR?service=\(q.registration.id!)")
                statuses.append(try await visitor.post("/q/KBR/tickets", form: ["service": q.registration.id!.uuidString, "category": "regular"]).status.code)
            }
            #expect(statuses.prefix(30).allSatisfy { $0 == 303 } && statuses.last == 429)
            #expect(try await Ticket.query(on: app.db).count() == 30)
            // an officer issuing for customers is not limited
            let officer = TestBrowser(app)
            try await officer.signIn("kaunter1@test.layan.my")
            try await officer.get("/q/KBR?service=\(q.registration.id!)")
            #expect(try await officer.post("/q/KBR/tickets", form: ["service": q.registration.id!.uuidString, "category": "regular"]).status == .seeOther)
        }
    }

    @Test func serviceRecoveryOnAComplaintAndProactively() async throws {
        let clock = FixedClock(caseMorning)
        try await withLayan(clock: clock) { app in
            let f = try await CaseFixture.make(app, onDuty: 1)
            let record = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "Kaunter tutup", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            let officer = TestBrowser(app)
            try await officer.signIn("kes1@test.layan.my")
            #expect(try await officer.get("\(CaseURL.staff(record))/recovery").status == .ok)
            // nothing chosen for the customer, a past due date: refused, nothing stored
            let bad = try await officer.post("\(CaseURL.staff(record))/recovery", form: ["whatFailed": "Kaunter ditutup awal", "cause": "staff_skill",
                "correctiveAction": "Jadual rehat baharu", "owner": f.head.id!.uuidString, "dueOn": "2026-11-01"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await ServiceRecoveryRecord.query(on: app.db).count() == 0)
            let good = try await officer.post("\(CaseURL.staff(record))/recovery", form: ["whatFailed": "Kaunter ditutup awal", "cause": "staff_skill",
                "given[]": "apology", "correctiveAction": "Jadual rehat baharu", "owner": f.head.id!.uuidString, "dueOn": "2026-12-01", "followUpOn": "2026-12-03"])
            #expect(good.status == .seeOther)
            let saved = try #require(try await ServiceRecoveryRecord.query(on: app.db).first())
            #expect(saved.$caseRecord.id == record.id && !saved.proactive && saved.given == [.apology] && saved.cause == .staffSkill)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .recovery).count() == 1)
            // proactive: before any complaint
            try await officer.get("/recovery/new")
            let proactive = try await officer.post("/recovery/new", form: ["customerName": "Encik Tan", "customerContact": "tan@example.my", "branch": f.branch.id!.uuidString,
                "whatFailed": "Lesen akan lewat dua hari", "cause": "demand_surge", "given[]": "expedited", "correctiveAction": "Tambah pegawai semasa puncak",
                "owner": f.head.id!.uuidString, "dueOn": "2026-11-27"])
            #expect(proactive.status == .seeOther)
            // the open list; once the due day passes it is marked overdue
            clock.set(caseMorning + 7 * 86_400)
            try await officer.signIn("kes1@test.layan.my") // a week later: a new session
            let list = try await officer.get("/recovery")
            #expect(list.body.string.contains("Jadual rehat baharu") && list.body.string.contains("Tambah pegawai semasa puncak"))
            #expect(list.body.string.contains("row--alert"))
            // an overdue corrective action can still be closed from the list
            let today = LocalDate(app.clock.now()).iso
            for overdue in try await ServiceRecoveryRecord.query(on: app.db).filter(\.$dueOn < today).all() {
                #expect(list.body.string.contains("/recovery/\(overdue.id!)/done"))
            }
            let proactiveID = try #require(try await ServiceRecoveryRecord.query(on: app.db).filter(\.$proactive == true).first()?.id)
            #expect(try await officer.post("/recovery/\(proactiveID)/done").status == .seeOther)
            #expect(try await officer.post("/recovery/\(proactiveID)/follow-up", form: ["note": "Pelanggan berpuas hati"]).status == .seeOther)
            // every step is on the audit trail
            let trail = try await AuditEvent.query(on: app.db).filter(\.$entityType == "service_recovery").filter(\.$entityID == proactiveID.uuidString).all()
            #expect(trail.map(\.action).sorted { $0.rawValue < $1.rawValue } == [.create, .update, .update])
            #expect(!(try await officer.get("/recovery").body.string.contains("Tambah pegawai semasa puncak")))
        }
    }

    @Test func onlyTheAssigneeOrASupervisorActsOnACaseOthersTakeItFirst() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given a case the duty rota gave to the first officer
            let f = try await CaseFixture.make(app, onDuty: 1)
            let record = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "Siti",
                                                                email: "siti@example.my", branchID: f.branch.id!), by: .customer)
            #expect(record.$assignee.id == f.dutyOfficers[0].id)
            let other = TestBrowser(app)
            try await other.signIn("kes2@test.layan.my")
            try await other.get(CaseURL.staff(record))
            // when another case officer tries to acknowledge it or reply to the customer
            let acknowledged = try await other.post("\(CaseURL.staff(record))/transition", form: ["action": "acknowledge"])
            let replied = try await other.post("\(CaseURL.staff(record))/message", form: ["body": "Kami sedang menyemak.", "visibility": "public"])
            // then both are refused with a reason naming the assignee, and the case is unchanged
            #expect(acknowledged.status == .forbidden && replied.status == .forbidden)
            #expect(acknowledged.body.string.contains(f.dutyOfficers[0].name))
            #expect(try await CaseRecord.find(record.id, on: app.db)?.status == .new)
            // but an internal note is open to them
            #expect(try await other.post("\(CaseURL.staff(record))/message", form: ["body": "Saya kenal pengadu.", "visibility": "internal"]).status == .seeOther)
            // and once they take it over (on the timeline), they may act
            #expect(try await other.post("\(CaseURL.staff(record))/take").status == .seeOther)
            #expect(try await CaseRecord.find(record.id, on: app.db)?.$assignee.id == f.dutyOfficers[1].id)
            #expect(try await other.post("\(CaseURL.staff(record))/transition", form: ["action": "acknowledge"]).status == .seeOther)
            #expect(try await CaseRecord.find(record.id, on: app.db)?.status == .acknowledged)
        }
    }

    @Test func everyChangeToACaseIsOnTheAuditTrailByItsReference() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given a case filed, acknowledged, replied to and resolved by its officer
            let f = try await CaseFixture.make(app, onDuty: 1)
            let record = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "Siti",
                                                                email: "siti@example.my", branchID: f.branch.id!), by: .customer)
            let officer = TestBrowser(app)
            try await officer.signIn("kes1@test.layan.my")
            try await officer.get(CaseURL.staff(record))
            #expect(try await officer.post("\(CaseURL.staff(record))/transition", form: ["action": "acknowledge"]).status == .seeOther)
            #expect(try await officer.post("\(CaseURL.staff(record))/message", form: ["body": "Sedang disemak.", "visibility": "public"]).status == .seeOther)
            #expect(try await officer.post("\(CaseURL.staff(record))/transition", form: ["action": "resolve", "note": "Selesai."]).status == .seeOther)
            // when the trail is read for cases
            let trail = try await AuditEvent.query(on: app.db).filter(\.$entityType == "case").filter(\.$action ~~ [.create, .update]).sort(\.$at).all()
            // then the filing, the duty rota's assignment and the officer's three changes are there, for this case
            #expect(trail.map(\.action) == [.create, .update, .update, .update, .update])
            #expect(Set(trail.map(\.entityID)) == [record.id!.uuidString])
            #expect(trail.suffix(3).allSatisfy { $0.actorID == f.dutyOfficers[0].id })
            #expect(trail.last?.changes?.contains("\"after\":\"resolved\"") == true)
            // and the audit page names the case by its reference
            let admin = TestBrowser(app)
            _ = try await TestStaff.create(.administrator, in: app)
            try await admin.signIn(TestStaff.email(.administrator))
            let page = try await admin.get("/admin/audit?entity=case&action=update")
            #expect(page.body.string.contains(record.reference))
        }
    }

    @Test func theKnowledgeBaseServesThePublicAndStaff() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app, onDuty: 1)
            _ = try await TestStaff.create(.caseOfficer, in: app)
            let officer = TestBrowser(app)
            try await officer.signIn(TestStaff.email(.caseOfficer))
            try await officer.get("/kb/new")
            #expect(try await officer.post("/kb/new", form: ["kind": "article", "titleMs": "Cukai 100% taksiran", "titleEn": "Assessment tax",
                "bodyMs": "Bayar di kaunter B.", "bodyEn": "Pay at counter B.", "service": "Cukai", "public": "on"]).status == .seeOther)
            try await officer.get("/kb/new")
            #expect(try await officer.post("/kb/new", form: ["kind": "article", "titleMs": "Rahsia dalaman", "titleEn": "Internal secret",
                "bodyMs": "Hanya untuk pegawai", "bodyEn": "Staff only"]).status == .seeOther)
            try await officer.get("/kb/new")
            #expect(try await officer.post("/kb/new", form: ["kind": "canned_reply", "titleMs": "Terima kasih", "titleEn": "Thanks",
                "bodyMs": "Terima kasih kerana menghubungi kami.", "bodyEn": "Thank you for contacting us."]).status == .seeOther)
            try await officer.get("/kb/new")
            #expect(try await officer.post("/kb/new", form: ["kind": "article", "titleMs": "", "titleEn": "x", "bodyMs": "x", "bodyEn": "x"]).status == .unprocessableEntity)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$entityType == "kb_article").count() == 3)

            // The public finds public articles only, in either language; "%" is a character, not a wildcard.
            let visitor = TestBrowser(app)
            let hits = try await visitor.get("/bantuan?q=cukai")
            #expect(hits.body.string.contains("Cukai 100% taksiran") && !hits.body.string.contains("Rahsia"))
            #expect(try await visitor.get("/bantuan?q=assessment").body.string.contains("Cukai 100% taksiran"))
            #expect(!(try await visitor.get("/bantuan?q=rahsia").body.string.contains("Rahsia dalaman")))
            #expect(try await visitor.get("/bantuan?q=100%25").body.string.contains("Cukai 100% taksiran"))
            #expect(!(try await visitor.get("/bantuan?q=10%25%25").body.string.contains("Cukai 100%")))
            let secret = try #require(try await KnowledgeArticle.query(on: app.db).filter(\.$titleMs == "Rahsia dalaman").first())
            #expect(try await visitor.get("/bantuan/\(secret.id!)").status == .notFound)
            // An inquiry starts with the search; the visitor continues with their words as the subject.
            let start = try await visitor.get("/kes/baru?type=inquiry")
            #expect(start.status == .seeOther && start.headers.first(name: .location) == "/bantuan?from=inquiry")
            #expect(try await visitor.get("/kes/baru?type=inquiry&searched=1&subject=Cukai%20tanah").body.string.contains("value=\"Cukai tanah\""))

            // Staff: a canned reply fills an empty message; a reply from an article links it and carries its address.
            let inquiry = try await f.engine(app).create(NewCase(type: .inquiry, channel: .web, subject: "Cukai", details: "Di mana bayar?", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            let canned = try #require(try await KnowledgeArticle.query(on: app.db).filter(\.$kind == .cannedReply).first())
            let article = try #require(try await KnowledgeArticle.query(on: app.db).filter(\.$titleMs == "Cukai 100% taksiran").first())
            let page = try await officer.get(CaseURL.staff(inquiry))
            #expect(page.body.string.contains("data-text=\"Terima kasih kerana menghubungi kami.\""))
            // the duty officer has it: this officer takes it over before replying
            #expect(try await officer.post("\(CaseURL.staff(inquiry))/take").status == .seeOther)
            #expect(try await officer.post("\(CaseURL.staff(inquiry))/message", form: ["body": "", "canned": canned.id!.uuidString, "visibility": "public",
                                                                                     "article": article.id!.uuidString]).status == .seeOther)
            let reply = try #require(try await CaseEvent.query(on: app.db).filter(\.$kind == .publicReply).first())
            #expect(reply.body?.hasPrefix("Terima kasih kerana menghubungi kami.") == true && reply.body?.contains("/bantuan/\(article.id!)") == true)
            #expect(try await CaseArticleLink.query(on: app.db).count() == 1)
        }
    }
}
