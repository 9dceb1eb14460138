import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Layan
@testable import LayanStorage
@testable import LayanCore

/// Wednesday 25 November 2026, 10:00 in Malaysia.
let caseMorning = Date(timeIntervalSince1970: 1_795_536_000 + 10 * 3600)

@Suite struct CaseEngineTests {
    @Test func aComplaintFiledByPhoneGetsItsReferenceDueDatesDutyOfficerAndAcknowledgement() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let category = try #require(try await CaseCategory.query(on: app.db).filter(\.$code == "delay").first())
            var created: CaseDTO?
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(f.complaint(["categoryId": category.id!.uuidString]))) { res async throws in
                #expect(res.status == .created)
                created = try res.content.decode(CaseDTO.self)
            }
            let dto = try #require(created)
            #expect(dto.reference == "ADU-2026-000001")
            #expect(dto.status == .new && dto.channel == .phone && dto.categoryId == category.id)
            // Selangor: acknowledge by Thursday; 15 working days skip the Sultan's birthday on 11 December.
            #expect(dto.acknowledgeDue == "2026-11-26" && dto.resolveDue == "2026-12-17")
            #expect(f.dutyOfficers.map(\.id).contains(dto.assigneeId))
            let outbox = try await OutboxMessage.query(on: app.db).all()
            #expect(outbox.count == 1)
            #expect(outbox.first?.recipient == "siti@example.my" && outbox.first?.channel == .email)
            #expect(outbox.first?.body.contains("ADU-2026-000001") == true && outbox.first?.body.contains("Terima kasih") == true)
            #expect(outbox.first?.body.contains("/kes/s/") == true)
            // the next complaint is number 2, an inquiry starts its own count
            let second = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            let inquiry = try await f.engine(app).create(NewCase(type: .inquiry, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            #expect(second.reference == "ADU-2026-000002" && inquiry.reference == "PTY-2026-000001")
        }
    }

    @Test func categoryAndTypeStandardsOverrideTheDefault() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let standard = CaseTypeStandard()
            standard.type = .inquiry; standard.acknowledgeDays = 1; standard.resolveDays = 3
            try await standard.create(on: app.db)
            let category = CaseCategory(type: .complaint, code: "urgent", nameMs: "Segera", nameEn: "Urgent")
            category.resolveDays = 5
            try await category.create(on: app.db)
            let inquiry = try await f.engine(app).create(NewCase(type: .inquiry, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            #expect(inquiry.resolveDue == "2026-11-30") // Thu, Fri, Mon
            let urgent = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, categoryID: category.id, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            #expect(urgent.resolveDue == "2026-12-02" && urgent.acknowledgeDue == "2026-11-26")
        }
    }

    @Test func dutyOfficersShareNewCasesByLoad() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app, onDuty: 2)
            var counts: [UUID: Int] = [:]
            for i in 0..<6 {
                let record = try await f.engine(app).create(NewCase(type: .complaint, channel: .counterForm, subject: "s\(i)", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .system)
                counts[record.$assignee.id!, default: 0] += 1
            }
            #expect(counts.values.sorted() == [3, 3])
            // nobody on the rota: the case waits unassigned for a supervisor
            try await DutyShift.query(on: app.db).delete()
            let unassigned = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            #expect(unassigned.$assignee.id == nil)
        }
    }

    @Test func casesFiledAtOnceGetEveryNumberOnceAndTheLoadAddsUp() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app, onDuty: 2)
            let engine = f.engine(app)
            let references = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        try await engine.create(NewCase(type: .complaint, channel: .api, subject: "s\(i)", details: "d", name: "A", email: "a@b.my",
                                                        branchID: f.branch.id!), by: .customer).reference
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(references.sorted() == (1...24).map { CaseReference(type: .complaint, year: 2026, number: $0).description })
            struct Load: Decodable { let open_cases: Int }
            let loads = try await (app.db as! any SQLDatabase).raw("SELECT open_cases FROM \(unsafeRaw: AddCaseOfficerLoad.table)").all(decoding: Load.self)
            #expect(loads.map(\.open_cases).reduce(0, +) == 24)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .received).count() == 24)
            #expect(try await OutboxMessage.query(on: app.db).count() == 24)
        }
    }

    @Test func casesFiledTogetherAreSharedAsIfFiledOneByOne() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            guard (app.db as! any SQLDatabase).dialect.name == "postgresql" else { return }  // SQLite files one by one
            // One writer: each batch reads the loads the one before it left.
            let grouped = PostgresCaseStore(writers: 1)
            app.caseStore = grouped
            let f = try await CaseFixture.make(app, onDuty: 2)
            let engine = f.engine(app)
            let filed = try await withThrowingTaskGroup(of: CaseRecord.self) { group in
                for i in 0..<30 {
                    group.addTask {
                        try await engine.create(NewCase(type: i % 3 == 0 ? .inquiry : .complaint, channel: .api, subject: "s\(i)", details: "d",
                                                        name: "A", email: "a\(i)@b.my", branchID: f.branch.id!), by: .customer)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(grouped.batchesWritten < 30)
            // Every number of each series once, with no gap; each case its own rows and its own customer's message.
            #expect(filed.filter { $0.type == .complaint }.map(\.reference).sorted()
                    == (1...20).map { CaseReference(type: .complaint, year: 2026, number: $0).description })
            #expect(filed.filter { $0.type == .inquiry }.map(\.reference).sorted()
                    == (1...10).map { CaseReference(type: .inquiry, year: 2026, number: $0).description })
            for record in filed {
                #expect(try await CaseEvent.query(on: app.db).filter(\.$caseRecord.$id == record.id!).filter(\.$kind == .received).count() == 1)
                let message = try #require(try await OutboxMessage.query(on: app.db).filter(\.$caseID == record.id!).first())
                #expect(message.recipient == record.customerEmail && message.body.contains(record.reference))
            }
            // PKPA 1/2008 §4d(5): shared by load, exactly, and the kept load agrees with the cases.
            let counts = Dictionary(grouping: filed, by: { $0.$assignee.id! }).mapValues(\.count)
            #expect(counts.values.sorted() == [15, 15])
            struct Load: Decodable { let staff_id: UUID; let open_cases: Int }
            let loads = try await (app.db as! any SQLDatabase).raw("SELECT staff_id, open_cases FROM \(unsafeRaw: AddCaseOfficerLoad.table)").all(decoding: Load.self)
            #expect(Dictionary(uniqueKeysWithValues: loads.map { ($0.staff_id, $0.open_cases) }) == counts)
        }
    }

    @Test func casesWithLargeFilesAreNotBatchedBeyondTheByteLimit() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            guard (app.db as! any SQLDatabase).dialect.name == "postgresql" else { return }  // SQLite files one by one
            let grouped = PostgresCaseStore(maximumBatchBytes: 1_500, writers: 1)
            app.caseStore = grouped
            let f = try await CaseFixture.make(app, onDuty: 2)
            let engine = f.engine(app)
            let pdf = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 1_000)
            let filed = try await withThrowingTaskGroup(of: FiledCase.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        try await engine.file(NewCase(type: .complaint, channel: .api, subject: "s\(i)", details: "d", name: "A", email: "a@b.my",
                                                      branchID: f.branch.id!, attachments: [NewAttachment(fileName: "f\(i).pdf", bytes: pdf)]), by: .customer)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each case's file alone fills a batch: six cases, six batches, every file stored whole.
            #expect(grouped.batchesWritten == 6)
            for one in filed {
                let stored = try #require(try await CaseAttachment.query(on: app.db).filter(\.$caseRecord.$id == one.id).first())
                #expect(Array(stored.data) == pdf)
            }
        }
    }

    @Test func aCaseTheDatabaseRefusesFailsAloneAmongCasesFiledWithIt() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let sql = app.db as! any SQLDatabase
            // A rule of the database's own that one case breaks, checked only when its row is written.
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE cases ADD CONSTRAINT test_refused CHECK (subject <> 'refused')").run()
            } else {
                try await sql.raw("CREATE TRIGGER test_refused BEFORE INSERT ON cases WHEN NEW.subject = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END").run()
            }
            let grouped = PostgresCaseStore(writers: 1)
            if sql.dialect.name == "postgresql" { app.caseStore = grouped }
            let f = try await CaseFixture.make(app, onDuty: 2)
            let engine = f.engine(app)
            let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let subject = i == 7 ? "refused" : "s\(i)"
                        let filed = try? await engine.file(NewCase(type: .complaint, channel: .api, subject: subject, details: "d", name: "A",
                                                                   email: "a@b.my", branchID: f.branch.id!), by: .customer)
                        return (subject, filed != nil)
                    }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.filter { !$0.value }.map(\.key) == ["refused"])
            if sql.dialect.name == "postgresql" { #expect(grouped.batchesWritten < 20) }
            #expect(try await CaseRecord.query(on: app.db).count() == 19)
            #expect(try await CaseRecord.query(on: app.db).filter(\.$subject == "refused").count() == 0)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .received).count() == 19)
            #expect(try await OutboxMessage.query(on: app.db).count() == 19)
            struct Load: Decodable { let open_cases: Int }
            #expect(try await sql.raw("SELECT open_cases FROM \(unsafeRaw: AddCaseOfficerLoad.table)").all(decoding: Load.self).map(\.open_cases).reduce(0, +) == 19)
        }
    }

    @Test func aNewCasesRowsAreWrittenAllOrNothing() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let filing = CaseFiling(new: NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!),
                                    actor: .customer, branchID: f.branch.id!, branchState: f.branch.state, assignee: f.dutyOfficers[0].id, standard: .pkpaDefault,
                                    acknowledgeDue: LocalDate(caseMorning), resolveDue: LocalDate(caseMorning), now: caseMorning, today: LocalDate(caseMorning),
                                    notifier: CaseNotifier(app: app))
            var (_, batch) = filing.rows(number: 1)
            // A timeline entry of a case that does not exist: the statement fails on its foreign key at the end.
            batch.add(CaseEvent.New(caseID: UUID(), at: caseMorning, kind: .received, isPublic: true, actorID: nil, actorName: ""),
                      as: CaseEvent.shape)
            let rows = batch
            let sql = app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) {
                if sql.dialect.name == "postgresql" {
                    try await rows.writeAsOneStatement(on: sql)
                } else {
                    try await app.db.writeTransaction { db in try await rows.write(on: db as! any SQLDatabase) }
                }
            }
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
            #expect(try await CaseEvent.query(on: app.db).count() == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
            struct Load: Decodable { let open_cases: Int }
            #expect(try await sql.raw("SELECT open_cases FROM \(unsafeRaw: AddCaseOfficerLoad.table) WHERE open_cases > 0").all(decoding: Load.self).isEmpty)
        }
    }

    @Test func branchesAndTypeStandardsAreReadAgainWithinTheirLifetime() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let elapsed = NIOLockedValueBox(Duration.zero), start = ContinuousClock.now
            app.caseSetupCache = CaseSetupCache(lifetime: .seconds(1)) { start + elapsed.withLockedValue { $0 } }
            app.branchDirectory = BranchDirectory(lifetime: .seconds(1)) { start + elapsed.withLockedValue { $0 } }
            let f = try await CaseFixture.make(app)
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(f.complaint())) { #expect($0.status == .created) }
            // Added in the database alone, as another server instance would: unknown here until the set-up is read again.
            let penang = Branch(code: "PNG", name: "Pulau Pinang", state: .pulauPinang, address: "Lebuh Pantai", phone: "04-261 0000")
            try await penang.create(on: app.db)
            let standard = CaseTypeStandard()
            standard.type = .complaint; standard.acknowledgeDays = 2; standard.resolveDays = 10
            try await standard.create(on: app.db)
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(f.complaint(["branch": "PNG"]))) {
                #expect($0.status == .badRequest || $0.status == .unprocessableEntity)
            }
            elapsed.withLockedValue { $0 = .milliseconds(999) }
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(f.complaint(["branch": "PNG"]))) {
                #expect($0.status == .badRequest || $0.status == .unprocessableEntity)
            }
            elapsed.withLockedValue { $0 = .seconds(1) }
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(f.complaint(["branch": "png"]))) { res async throws in
                #expect(res.status == .created)
                let dto = try res.content.decode(CaseDTO.self)
                // Ten working days in Penang from Wednesday 25 November 2026.
                #expect(dto.branch == "PNG" && dto.acknowledgeDue == "2026-11-27" && dto.resolveDue == "2026-12-09")
            }
            #expect(try await CaseRecord.query(on: app.db).count() == 2)
        }
    }

    @Test func aUnitsDutyOfficerTakesItsCasesAndTheBranchsTheRest() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app, onDuty: 0)
            let licensing = Division(code: "BPL", nameMs: "Bahagian Pelesenan", nameEn: "Licensing Division")
            try await licensing.create(on: app.db)
            let today = LocalDate(caseMorning)
            try await DutyShift(branchID: f.branch.id!, staffID: f.dutyOfficers[0].id!, date: today, divisionID: licensing.id).create(on: app.db)
            try await DutyShift(branchID: f.branch.id!, staffID: f.dutyOfficers[1].id!, date: today).create(on: app.db)
            for _ in 0..<3 {
                let unitCase = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "Lesen", details: "d", name: "A", email: "a@b.my",
                                                                      branchID: f.branch.id!, divisionID: licensing.id), by: .customer)
                #expect(unitCase.$assignee.id == f.dutyOfficers[0].id)
                let other = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "Lain", details: "d", name: "A", email: "a@b.my",
                                                                   branchID: f.branch.id!), by: .customer)
                #expect(other.$assignee.id == f.dutyOfficers[1].id)
            }
        }
    }

    @Test func theWholeLifeWithAPauseForTheCustomer() async throws {
        let clock = FixedClock(caseMorning)
        try await withLayan(clock: clock) { app in
            let f = try await CaseFixture.make(app)
            let engine = f.engine(app)
            let officer = CaseActor.staff(StaffIdentity(staff: f.dutyOfficers[0]))
            let record = try await engine.create(NewCase(type: .complaint, channel: .web, subject: "Longkang tersumbat", details: "d", name: "Ali", email: "ali@example.my", language: .en, branchID: f.branch.id!), by: .customer)
            let id = try record.requireID()
            _ = try await engine.transition(id, .acknowledge, details: .init(), by: officer)
            // Monday 30 Nov: ask the customer for a photo; they answer on Thursday 3 Dec: three working days paused.
            clock.set(caseMorning + 5 * 86_400)
            _ = try await engine.transition(id, .awaitCustomer, details: .init(note: "Please send a photo of the drain."), by: officer)
            clock.set(caseMorning + 8 * 86_400)
            _ = try await engine.addMessage(id, body: "Here it is.", isPublic: true, by: .customer)
            var now = try #require(try await CaseRecord.find(id, on: app.db))
            #expect(now.status == .inProgress && now.pausedDays == 3 && now.pausedSince == nil)
            #expect(now.resolveDue == "2026-12-22") // 17 Dec + 3 working days
            _ = try await engine.addMessage(id, body: "Contractor booked for Friday.", isPublic: false, by: officer)
            _ = try await engine.transition(id, .resolve, details: .init(note: "The drain was cleared on 4 December."), by: officer)
            now = try #require(try await CaseRecord.find(id, on: app.db))
            #expect(now.status == .resolved && now.acknowledgeMet == true && now.resolveMet == true)
            // the customer confirms: closed and satisfied
            _ = try await engine.transition(id, .close, details: .init(), by: .customer)
            now = try #require(try await CaseRecord.find(id, on: app.db))
            #expect(now.status == .closed && now.satisfied == true)
            // every public step reached the customer in English; the internal note did not
            let mail = try await OutboxMessage.query(on: app.db).sort(\.$createdAt).all()
            // received, acknowledged, waiting for you, resolved, closed: nothing for the internal note or the customer's own message
            #expect(mail.count == 5)
            #expect(mail.allSatisfy { !$0.body.contains("Contractor booked") })
            #expect(mail.contains { $0.body.contains("The drain was cleared") && $0.body.contains("Dear Ali") })
            let events = try await CaseEvent.query(on: app.db).filter(\.$caseRecord.$id == id).all()
            #expect(events.contains { $0.kind == .internalNote && !$0.isPublic })
        }
    }

    @Test func impossibleStepsAndBadInputChangeNothing() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let record = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            let path = "/api/v1/cases/\(record.id!)/transitions"
            let before = try await CaseEvent.query(on: app.db).count()
            for (payload, status) in [(#"{"action":"close"}"#, HTTPStatus.conflict), (#"{"action":"resolve"}"#, .unprocessableEntity),
                                      (#"{"action":"fly"}"#, .unprocessableEntity), (#"{"action":"mark_duplicate","duplicateOf":"ADU-2026-999999"}"#, .notFound),
                                      (#"{"action":"#, .badRequest)] {
                try await app.testing().test(.POST, path, headers: f.auth, body: .init(string: payload)) { res async throws in
                    #expect(res.status == status, "\(payload)")
                    #expect(try res.content.decode(Problem.self).error)
                }
            }
            #expect(try await CaseRecord.find(record.id, on: app.db)?.status == .new)
            #expect(try await CaseEvent.query(on: app.db).count() == before)
            // a named customer without any contact, an attachment that is not a PDF/JPEG/PNG, a third party without consent
            let exe = Data([0x4D, 0x5A, 0x90, 0x00]).base64EncodedString()
            let bad: [[String: Any]] = [
                f.complaint(["customer": ["name": "Tiada Hubungan"]]),
                f.complaint(["attachments": [["fileName": "virus.pdf", "contentBase64": exe]]]),
                f.complaint(["customer": ["name": "Abu", "email": "abu@example.my", "onBehalfOf": "Ibu Abu"]]),
                f.complaint(["subject": String(repeating: "x", count: 201)]),
                f.complaint(["type": "praise"]),
            ]
            for body in bad {
                try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(body)) { res async throws in
                    #expect(res.status == .unprocessableEntity)
                    let problem = try res.content.decode(Problem.self)
                    #expect(problem.fields?.isEmpty == false)
                }
            }
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            #expect(try await CaseAttachment.query(on: app.db).count() == 0)
            // anonymous is allowed without contact
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth, body: f.json(f.complaint(["anonymous": true, "customer": [:] as [String: Any]]))) { res async throws in
                #expect(res.status == .created)
                #expect(try res.content.decode(CaseDTO.self).anonymous)
            }
        }
    }

    @Test func attachmentsAreKeptByTheirRealType() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).base64EncodedString()
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth,
                                         body: f.json(f.complaint(["attachments": [["fileName": "../../etc/gambar\".png", "contentBase64": png]]]))) { res async in
                #expect(res.status == .created)
            }
            let stored = try #require(try await CaseAttachment.query(on: app.db).first())
            #expect(stored.contentType == "image/png" && stored.size == 11 && stored.fileName == "gambar.png")
        }
    }

    @Test func theCustomerSeesOnlyPublicEntriesAndOnlyWithTheirContact() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            let f = try await CaseFixture.make(app)
            let engine = f.engine(app)
            let record = try await engine.create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", phone: "+60 12-345 6789", branchID: f.branch.id!), by: .customer)
            _ = try await engine.addMessage(record.id!, body: "SECRET internal", isPublic: false, by: .staff(StaffIdentity(staff: f.dutyOfficers[0])))
            for query in ["contact=a@b.my", "contact=0123456789", "contact=A@B.MY", "key=\(record.publicKey)"] {
                try await app.testing().test(.GET, "/api/v1/public/cases/\(record.reference)?\(query)") { res async throws in
                    #expect(res.status == .ok, "\(query)")
                    let dto = try res.content.decode(PublicCaseDTO.self)
                    #expect(dto.reference == record.reference && dto.status == .new)
                    #expect(!res.body.string.contains("SECRET") && !res.body.string.contains("Pegawai"))
                }
            }
            for query in ["contact=other@b.my", "contact=0199999999", "key=nope", ""] {
                try await app.testing().test(.GET, "/api/v1/public/cases/\(record.reference)?\(query)") { res async in
                    #expect(res.status == .notFound, "\(query)")
                }
            }
        }
    }

    @Test func lookupsAreRateLimited() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            var statuses: [UInt] = []
            for n in 1...22 {
                try await app.testing().test(.GET, "/api/v1/public/cases/ADU-2026-\(String(format: "%06d", n))?contact=x@y.my") { res async in
                    statuses.append(res.status.code)
                }
            }
            #expect(statuses.prefix(20).allSatisfy { $0 == 404 })
            #expect(statuses.suffix(2).allSatisfy { $0 == 429 })
        }
    }

    @Test func breachedStandardsEscalateToTheHeadOfUnitAndRemindersComeFirst() async throws {
        let clock = FixedClock(caseMorning)
        try await withLayan(clock: clock) { app in
            let f = try await CaseFixture.make(app)
            let engine = f.engine(app)
            let record = try await engine.create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            _ = try await engine.transition(record.id!, .acknowledge, details: .init(), by: .staff(StaffIdentity(staff: f.dutyOfficers[0])))
            let job = CaseDeadlineJob(app: app)
            #expect(try await job.runOnce() == (0, 0))
            // Tuesday 15 Dec: two working days before 17 Dec → a reminder to the assignee, once
            clock.set(caseMorning + 20 * 86_400)
            #expect(try await job.runOnce() == (1, 0))
            #expect(try await job.runOnce() == (0, 0))
            // Friday 18 Dec: overdue → escalated to the head of unit, once
            clock.set(caseMorning + 23 * 86_400)
            #expect(try await job.runOnce() == (0, 1))
            #expect(try await job.runOnce() == (0, 0))
            let mail = try await OutboxMessage.query(on: app.db).filter(\.$recipient == "ketua@test.layan.my").all()
            #expect(mail.count == 1 && mail[0].subject.contains(record.reference))
            #expect(try await CaseRecord.find(record.id, on: app.db)?.escalatedAt != nil)
        }
    }
}

@Suite struct OutboxTests {
    @Test func failedDeliveriesBackOffAndAClaimLapsesAfterACrash() async throws {
        let clock = FixedClock(caseMorning)
        try await withLayan(clock: clock, adjust: { settings in
            settings.messaging.smtpHost = "127.0.0.1"
            settings.messaging.smtpPort = 1 // nothing listens: connection refused
        }) { app in
            try await OutboxMessage(channel: .email, recipient: "a@b.my", subject: "s", body: "b", caseID: nil, at: clock.now()).create(on: app.db)
            #expect(try await OutboxWorker(app: app).runOnce() == 0)
            var message = try #require(try await OutboxMessage.query(on: app.db).first())
            #expect(message.state == .pending && message.attempts == 1 && message.lastError != nil)
            #expect(abs(message.nextAttemptAt.timeIntervalSince(clock.now()) - 30) < 1)
            // not due yet: nothing is tried
            #expect(try await OutboxWorker(app: app).runOnce() == 0)
            #expect(try await OutboxMessage.query(on: app.db).first()?.attempts == 1)
            // an instance that claimed it and died leaves it "sending"; once the claim lapses it is tried again
            message.state = .sending
            message.nextAttemptAt = clock.now().addingTimeInterval(app.settings.outboxClaimSeconds)
            try await message.save(on: app.db)
            clock.advance(by: app.settings.outboxClaimSeconds + 1)
            _ = try await OutboxWorker(app: app).runOnce()
            message = try #require(try await OutboxMessage.query(on: app.db).first())
            #expect(message.attempts == 2 && message.state == .pending)
        }
    }

    @Test func smsGoesThroughTheHTTPGateway() async throws {
        // A real HTTP gateway: a second Vapor application listening on a loopback port.
        let gateway = try await Application.make(.testing)
        let received = ReceivedSMS()
        gateway.post("sms") { req async throws -> HTTPStatus in
            guard req.headers.bearerAuthorization?.token == "rahsia" else { return .unauthorized }
            struct Body: Content { let to: String; let message: String }
            await received.add(try req.content.decode(Body.self).to)
            return .accepted
        }
        try await gateway.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = gateway.http.server.shared.localAddress?.port ?? 0
        do {
            try await withLayan(clock: FixedClock(caseMorning), adjust: { settings in
                settings.messaging.smsGatewayURL = "http://127.0.0.1:\(port)/sms"
                settings.messaging.smsGatewayToken = "rahsia"
            }) { app in
                try await OutboxMessage(channel: .sms, recipient: "012-345 6789", subject: "s", body: "b", caseID: nil, at: app.clock.now()).create(on: app.db)
                #expect(try await OutboxWorker(app: app).runOnce() == 1)
                #expect(try await OutboxMessage.query(on: app.db).first()?.state == .sent)
            }
        } catch {
            await gateway.server.shutdown()
            try await gateway.asyncShutdown()
            throw error
        }
        await gateway.server.shutdown()
        try await gateway.asyncShutdown()
        #expect(await received.numbers == ["60123456789"])
    }
}

actor ReceivedSMS {
    var numbers: [String] = []
    func add(_ number: String) { numbers.append(number) }
}

@Suite struct CaseListTests {
    @Test func filtersPageAndUseAnIndex() async throws {
        let clock = FixedClock(caseMorning)
        try await withLayan(clock: clock) { app in
            let f = try await CaseFixture.make(app)
            for i in 0..<7 {
                clock.advance(by: 60)
                _ = try await f.engine(app).create(NewCase(type: i % 2 == 0 ? .complaint : .inquiry, channel: .web, subject: "s\(i)", details: "d", name: "A", email: "a@b.my", branchID: f.branch.id!), by: .customer)
            }
            var seen: [String] = []
            var after: String?
            repeat {
                var url = "/api/v1/cases?type=complaint&limit=2"
                if let after { url += "&after=\(after)" }
                var page: CasePageDTO?
                try await app.testing().test(.GET, url, headers: f.auth) { res async throws in page = try res.content.decode(CasePageDTO.self) }
                seen += page!.items.map(\.reference)
                after = page!.next
            } while after != nil
            #expect(seen == ["ADU-2026-000004", "ADU-2026-000003", "ADU-2026-000002", "ADU-2026-000001"])
            try await app.testing().test(.GET, "/api/v1/cases?status=flying", headers: f.auth) { res async in #expect(res.status == .unprocessableEntity) }
            try await app.testing().test(.GET, "/api/v1/cases?after=garbage", headers: f.auth) { res async in #expect(res.status == .unprocessableEntity) }
            // A malformed id, a page size outside 1…100 or an unknown branch is named in the problem, not ignored.
            for (query, field) in [("assigneeId=nobody", "assigneeId"), ("categoryId=1", "categoryId"), ("limit=0", "limit"), ("limit=101", "limit"),
                                   ("limit=ten", "limit"), ("branch=NOPE", "branch")] {
                try await app.testing().test(.GET, "/api/v1/cases?\(query)", headers: f.auth) { res async throws in
                    #expect(res.status == .unprocessableEntity, "\(query)")
                    #expect(res.body.string.contains("\"\(field)\""), "\(query)")
                }
            }
            try await app.testing().test(.GET, "/api/v1/cases?branch=\(f.branch.code.lowercased())&limit=100", headers: f.auth) { res async throws in
                #expect(try res.content.decode(CasePageDTO.self).items.count == 7)
            }
            try await app.testing().test(.GET, "/api/v1/cases?due=overdue", headers: f.auth) { res async throws in
                #expect(try res.content.decode(CasePageDTO.self).items.isEmpty)
            }
            // Weeks later every one is overdue: the due list pages oldest due first, each case once.
            clock.advance(by: 40 * 86_400)
            var overdue: [String] = []
            after = nil
            repeat {
                var url = "/api/v1/cases?due=overdue&limit=3"
                if let after { url += "&after=\(after)" }
                var page: CasePageDTO?
                try await app.testing().test(.GET, url, headers: f.auth) { res async throws in page = try res.content.decode(CasePageDTO.self) }
                overdue += page!.items.map(\.reference)
                after = page!.next
            } while after != nil
            #expect(overdue.count == 7 && Set(overdue).count == 7)
            #expect(overdue.first == "ADU-2026-000001")

            // Every filter the team queue offers reads an index, never the whole table.
            guard TestDatabase.engine == "sqlite" else { return }
            let sql = app.db as! any SQLDatabase
            let filters: [CaseList.Filter] = [
                .init(), .init(type: .complaint), .init(status: .new), .init(branchID: f.branch.id), .init(assigneeID: f.dutyOfficers[0].id),
                .init(due: .overdue), .init(due: .today), .init(channel: .web), .init(after: .init(receivedAt: clock.now(), id: UUID())),
                .init(openOnly: true), .init(assigneeID: f.dutyOfficers[0].id, openOnly: true),
                .init(due: .overdue, after: .init(receivedAt: clock.now(), id: UUID(), resolveDue: "2026-01-01")),
            ]
            for filter in filters {
                let select = CaseList.query(filter, today: LocalDate(clock.now()), on: sql)
                var serializer = SQLSerializer(database: sql)
                select.query.serialize(to: &serializer)
                let plan = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: serializer.sql)", ).all()
                    .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
                #expect(plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"), "\(plan)")
                #expect(!plan.contains("SCAN cases\u{0}") && !plan.hasSuffix("SCAN cases"), "\(plan)")
            }
        }
    }
}

/// The officer loads the triggers keep (AddCaseOfficerLoad) against a count of the cases themselves, after
/// filing, reassignment, acknowledgement, resolution, reopening and deletion; on both engines.
@Suite struct CaseOfficerLoadTests {
    @Test func loadsFollowEveryChange() async throws {
        let clock = FixedClock(caseMorning)
        try await withLayan(clock: clock) { app in
            let f = try await CaseFixture.make(app)
            let engine = f.engine(app)
            let sql = app.db as! any SQLDatabase
            func check(_ step: String) async throws {
                struct Row: Decodable { let staff_id: UUID; let n: Int }
                let counted = try await sql.raw("""
                    SELECT assigned_to AS staff_id, COUNT(*) AS n FROM cases WHERE assigned_to IS NOT NULL AND status IN \(unsafeRaw: AddCaseListIndexes.openStatusList)
                    GROUP BY assigned_to
                    """).all(decoding: Row.self)
                let kept = try await sql.raw("SELECT staff_id, open_cases AS n FROM case_officer_load WHERE open_cases <> 0").all(decoding: Row.self)
                #expect(Dictionary(uniqueKeysWithValues: counted.map { ($0.staff_id, $0.n) })
                        == Dictionary(uniqueKeysWithValues: kept.map { ($0.staff_id, $0.n) }), "after \(step)")
            }
            var ids: [UUID] = []
            for i in 0..<4 {
                clock.advance(by: 60)
                let record = try await engine.create(NewCase(type: .complaint, channel: .web, subject: "s\(i)", details: "d", name: "A", email: "a@b.my",
                                                             branchID: f.branch.id!), by: .customer)
                ids.append(try record.requireID())
            }
            try await check("filing")
            let supervisor = CaseActor.staff(StaffIdentity(staff: f.head))
            let first = try #require(try await CaseRecord.find(ids[0], on: app.db))
            let other = f.dutyOfficers.first { $0.id != first.$assignee.id }!
            _ = try await engine.assign(ids[0], to: other.id!, by: supervisor)
            try await check("reassignment")
            let officer = CaseActor.staff(StaffIdentity(staff: other))
            _ = try await engine.transition(ids[0], .acknowledge, details: .init(), by: officer)
            try await check("acknowledgement")
            _ = try await engine.transition(ids[0], .resolve, details: .init(note: "Dibaiki"), by: officer)
            try await check("resolution")
            _ = try await engine.transition(ids[0], .reopen, details: .init(note: "Masih rosak"), by: .customer)
            try await check("reopening")
            try await CaseRecord.query(on: app.db).filter(\.$id == ids[1]).delete()
            try await check("deletion")
            // the officer given a case longest ago is stamped with the latest assignment
            let stamped = try await sql.raw("SELECT last_assigned_at FROM case_officer_load WHERE staff_id = \(bind: other.id!)")
                .first()?.decode(column: "last_assigned_at", as: Date?.self)
            #expect(stamped != nil)
        }
    }
}
