import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Signs in an administrator and returns the browser.
func adminBrowser(_ app: Application) async throws -> TestBrowser {
    try await TestStaff.create(.administrator, in: app)
    let browser = TestBrowser(app)
    try await browser.signIn(TestStaff.email(.administrator))
    return browser
}

@Suite struct AgencyAndBranchTests {
    @Test func administratorSetsUpTheAgencyAndABranchInKelantan() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            // when the agency profile is saved
            try await admin.get("/admin/agency")
            let saved = try await admin.post("/admin/agency", form: ["nameMs": "Jabatan Ujian", "nameEn": "Test Department", "aboutMs": "Kami menguji.", "aboutEn": "We test."])
            #expect(saved.status == .seeOther)
            // then every page shows the name at once
            #expect(try await TestBrowser(app).get("/").body.string.contains("Jabatan Ujian"))

            // (new cases have already read the branches, kept here for an hour so only the save can clear them)
            app.branchDirectory = BranchDirectory(lifetime: .seconds(3600))
            let sql = app.db as! any SQLDatabase
            #expect(try await app.branchDirectory.branch(code: "KBR", on: sql) == nil)
            // when a branch is added with Sunday–Thursday hours
            try await admin.get("/admin/branches/new")
            var form = ["code": "kbr", "name": "Pejabat Kota Bharu", "state": "KTN", "address": "Jalan Sultan, Kota Bharu", "phone": "09-748 2000"]
            for day in ["sunday", "monday", "tuesday", "wednesday", "thursday"] {
                form["\(day).opens"] = "08:00"; form["\(day).closes"] = "17:00"; form["\(day).breakStarts"] = "13:00"; form["\(day).breakEnds"] = "14:00"
            }
            #expect(try await admin.post("/admin/branches", form: form).status == .seeOther)
            // then it is stored with its state, upper-cased code and hours
            let branch = try #require(try await Branch.query(on: app.db).first())
            #expect(branch.code == "KBR" && branch.state == .kelantan)
            #expect(branch.hours.days[.sunday]?.opens == TimeOfDay("08:00"))
            #expect(branch.hours.days[.friday] == nil)
            #expect(try await admin.get("/admin/branches").body.string.contains("Pejabat Kota Bharu"))
            // and new cases can name it at once
            #expect(try await app.branchDirectory.branch(code: "kbr", on: sql)?.state == .kelantan)
            // and the audit trail has both changes
            #expect(try await AuditEvent.query(on: app.db).filter(\.$entityType == "branch").filter(\.$action == .create).count() == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$entityType == "agency").count() == 1)
        }
    }

    @Test func badBranchInputIsExplainedAndNothingIsSaved() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/branches/new")
            let response = try await admin.post("/admin/branches", form: [
                "code": "K", "name": "", "state": "XX", "address": "<b>x</b>", "phone": "call me",
                "monday.opens": "17:00", "monday.closes": "08:00", "tuesday.opens": "8am", "tuesday.closes": "17:00",
            ])
            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            for message in ["Gunakan 2 hingga 10 huruf", "Ruangan ini wajib diisi", "Pilih salah satu", "Masukkan nombor telefon",
                            "Waktu tutup mesti selepas waktu buka", "Masukkan masa seperti 08:00"] {
                #expect(body.contains(message), "\(message)")
            }
            // the summary names each field and links to it
            #expect(body.contains("<a href=\"#name\"><strong>Nama cawangan</strong>: Ruangan ini wajib diisi."))
            #expect(body.contains("<a href=\"#code\"><strong>Kod</strong>:"))
            // the typed values come back, escaped
            #expect(body.contains("&lt;b&gt;x&lt;/b&gt;"))
            #expect(try await Branch.query(on: app.db).count() == 0)
        }
    }

    @Test func duplicateCodesAreRefused() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/divisions/new")
            #expect(try await admin.post("/admin/divisions", form: ["code": "BKP", "nameMs": "Bahagian Khidmat Pelanggan", "nameEn": "Customer Service"]).status == .seeOther)
            try await admin.get("/admin/divisions/new")
            let again = try await admin.post("/admin/divisions", form: ["code": "bkp", "nameMs": "Lain", "nameEn": "Other"])
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("sudah digunakan"))
            #expect(try await Division.query(on: app.db).count() == 1)
        }
    }

    @Test func unknownRecordIs404() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            #expect(try await admin.get("/admin/branches/\(UUID())").status == .notFound)
            #expect(try await admin.get("/admin/branches/not-a-uuid").status == .notFound)
        }
    }
}

@Suite struct StaffAdminTests {
    @Test func newOfficerGetsATemporaryPasswordShownOnce() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/staff/new")
            let created = try await admin.post("/admin/staff", form: [
                "name": "Siti Aminah binti Yusof", "email": "Siti.Aminah@Jabatan.gov.my", "extension": "2101",
                "serviceGroup": "support", "roles[]": "telephone_operator", "duties": "lesen perniagaan",
            ])
            #expect(created.status == .created)
            #expect(created.headers.first(name: .cacheControl) == "no-store")
            let html = created.body.string
            let marker = try #require(html.range(of: #"id="temporary-password">"#))
            let password = String(html[marker.upperBound...].prefix(19))
            #expect(PasswordPolicy.problem(with: password) == nil)
            // the officer can sign in with it; the e-mail was normalised
            let officer = TestBrowser(app)
            #expect(try await officer.signIn("siti.aminah@jabatan.gov.my", password).status == .seeOther)
            // and the audit entry records the fields but never the password or its hash
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$entityType == "staff").filter(\.$action == .create).first())
            #expect(event.changes?.contains("telephone_operator") == true)
            #expect(event.changes?.contains("password") == false)
        }
    }

    @Test func resetPasswordEndsTheOfficersSessions() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            let officer = try await TestStaff.create(.caseOfficer, in: app)
            let officerBrowser = TestBrowser(app)
            try await officerBrowser.signIn(TestStaff.email(.caseOfficer))
            try await admin.get("/admin/staff/\(officer.id!)")
            let reset = try await admin.post("/admin/staff/\(officer.id!)/reset-password")
            #expect(reset.status == .ok)
            #expect(try await officerBrowser.get("/staff").status == .seeOther)
            #expect(try await TestBrowser(app).signIn(TestStaff.email(.caseOfficer)).status == .unauthorized)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .passwordReset).count() == 1)
        }
    }

    @Test func editingRolesIsAuditedWithBeforeAndAfter() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            let officer = try await TestStaff.create(.counterOfficer, in: app)
            try await admin.get("/admin/staff/\(officer.id!)")
            let body = "name=\(TestBrowser.encode(officer.name))&email=\(TestBrowser.encode(officer.email))&serviceGroup=support&roles[]=counter_officer&roles[]=supervisor&active=on&csrf=\(admin.lastCSRF!)"
            let response = try await admin.send(.POST, "/admin/staff/\(officer.id!)", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: .init(string: body))
            #expect(response.status == .seeOther)
            let reloaded = try #require(try await Staff.find(officer.id, on: app.db))
            #expect(Set(reloaded.roles) == [.counterOfficer, .supervisor])
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == .update).first())
            let changes = try JSONDecoder().decode([String: AuditDiff.Change].self, from: Data(event.changes!.utf8))
            #expect(changes["roles"] == AuditDiff.Change(before: "counter_officer", after: "counter_officer,supervisor"))
        }
    }

    @Test func administratorCannotLockThemselvesOut() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            let me = try #require(try await Staff.query(on: app.db).first())
            try await admin.get("/admin/staff/\(me.id!)")
            let response = try await admin.post("/admin/staff/\(me.id!)", form: ["name": me.name, "email": me.email, "serviceGroup": "support", "roles[]": "supervisor", "active": "on"])
            #expect(response.status == .unprocessableEntity)
            #expect(try await Staff.find(me.id, on: app.db)?.roles == [.administrator])
        }
    }
}

@Suite struct DirectoryTests {
    func seed(_ app: Application) async throws {
        #expect(try await DemoLoader.load(on: app.db, application: app))
        try await TestStaff.create(.telephoneOperator, in: app)
        let officer = try #require(try await Staff.query(on: app.db).filter(\.$email == "zaki@demo.layan.my").first())
        officer.duties = "Pendaftaran 100% online_forms"
        try await officer.save(on: app.db)
    }

    @Test func operatorFindsOfficerByNameDivisionExtensionOrDuty() async throws {
        try await withLayan { app in
            try await seed(app)
            for q in ["zaki", "ZAKI", "2101", "pendaftaran kelantan", "100%", "online_forms"] {
                let results = try await DirectoryController.search(q, on: app.db)
                #expect(results.contains { $0.email == "zaki@demo.layan.my" }, "\(q)")
            }
            // a literal % or _ is not a wildcard
            #expect(try await DirectoryController.search("1_0", on: app.db).isEmpty)
            #expect(try await DirectoryController.search("%", on: app.db).allSatisfy { $0.duties?.contains("%") == true })
            let operatorBrowser = TestBrowser(app)
            try await operatorBrowser.signIn(TestStaff.email(.telephoneOperator))
            let page = try await operatorBrowser.get("/directory?q=zaki")
            #expect(page.body.string.contains("Che Mohd Zaki bin Che Hassan"))
            #expect(page.body.string.contains("<strong>2101</strong>"))
        }
    }

    @Test func inactiveOfficersAreNotListed() async throws {
        try await withLayan { app in
            try await seed(app)
            let officer = try #require(try await Staff.query(on: app.db).filter(\.$email == "zaki@demo.layan.my").first())
            officer.active = false
            try await officer.save(on: app.db)
            #expect(try await DirectoryController.search("zaki", on: app.db).isEmpty)
        }
    }

    @Test func apiNeedsAScopedTokenAndAnswersJSON() async throws {
        try await withLayan { app in
            try await seed(app)
            let admin = try await adminBrowser(app)
            // no token
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki") { res async throws in
                #expect(res.status == .unauthorized)
                #expect(try res.content.decode(Problem.self).error)
            }
            // a token is created through the admin page and shown once
            try await admin.get("/admin/api-tokens")
            let created = try await admin.post("/admin/api-tokens", form: ["name": "IVR", "scopes[]": "directory:read"])
            #expect(created.status == .created)
            let html = created.body.string
            let start = try #require(html.range(of: #"id="new-token">"#))
            let token = String(html[start.upperBound...].prefix { $0 != "<" })
            #expect(token.hasPrefix("layan_"))
            let stored = try #require(try await APIToken.query(on: app.db).first())
            #expect(stored.tokenHash != token && !stored.tokenHash.contains(token))
            // with the token
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: ["Authorization": "Bearer \(token)"]) { res async throws in
                #expect(res.status == .ok)
                let results = try res.content.decode(DirectoryController.Results.self)
                #expect(results.results.first?.extensionNumber == "2101")
                #expect(results.results.first?.division == "Bahagian Pendaftaran")
            }
            // missing q is a 400 problem naming the field
            try await app.testing().test(.GET, "/api/v1/directory", headers: ["Authorization": "Bearer \(token)"]) { res async throws in
                #expect(res.status == .badRequest)
                #expect(try res.content.decode(Problem.self).fields?["q"] != nil)
            }
            // revoked: refused
            try await admin.get("/admin/api-tokens")
            #expect(try await admin.post("/admin/api-tokens/\(stored.id!)/revoke").status == .seeOther)
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: ["Authorization": "Bearer \(token)"]) { res async throws in
                #expect(res.status == .unauthorized)
            }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .tokenRevoked).count() == 1)
        }
    }

    @Test func aTokenRevokedThroughAnotherInstanceStopsWithinTheCacheLifetime() async throws {
        try await withLayan { app in
            try await seed(app)
            let elapsed = NIOLockedValueBox(Duration.zero), start = ContinuousClock.now
            app.verifiedTokens = VerifiedTokens(lifetime: .seconds(2)) { start + elapsed.withLockedValue { $0 } }
            let (token, secret) = APIToken.make(name: "IVR", scopes: [.directoryRead], createdBy: nil, at: app.clock.now())
            try await token.create(on: app.db)
            let headers: HTTPHeaders = ["Authorization": "Bearer \(secret)"]
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: headers) { #expect($0.status == .ok) }
            // Revoked in the database alone, as another server instance would: this one's verdict lasts its lifetime.
            try await (app.db as! any SQLDatabase).update(APIToken.schema).set("revoked_at", to: app.clock.now())
                .where("id", .equal, token.requireID()).run()
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: headers) { #expect($0.status == .ok) }
            elapsed.withLockedValue { $0 = .milliseconds(1999) }
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: headers) { #expect($0.status == .ok) }
            elapsed.withLockedValue { $0 = .seconds(2) }
            try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: headers) { #expect($0.status == .unauthorized) }
            // Wrong tokens are never kept: each is checked, and refused.
            for _ in 0 ..< 3 {
                try await app.testing().test(.GET, "/api/v1/directory?q=zaki", headers: ["Authorization": "Bearer layan_wrong"]) {
                    #expect($0.status == .unauthorized)
                }
            }
        }
    }

    @Test func directoryQueryUsesIndexesOrSmallScans() async throws {
        // The directory joins division and branch by primary key: those look-ups must use the key index.
        guard TestDatabase.engine == "sqlite" else { return }
        try await withLayan { app in
            let plan = try await (app.db as! any SQLDatabase).raw("""
                EXPLAIN QUERY PLAN SELECT s.name, d.name_ms, b.name FROM staff s LEFT JOIN divisions d ON d.id = s.division_id
                LEFT JOIN branches b ON b.id = s.branch_id WHERE s.active = 1
                """).all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(plan.contains { $0.hasPrefix("SEARCH d USING INDEX") })
            #expect(plan.contains { $0.hasPrefix("SEARCH b USING INDEX") })
        }
    }
}

@Suite struct CalendarAdminTests {
    @Test func specialHolidayTakesEffectAtOnce() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            let before = try await app.calendarService.calendar(on: app.db)
            #expect(before.isWorkingDay(LocalDate("2026-12-01")!, in: .kelantan))
            try await admin.get("/admin/calendar")
            let response = try await admin.post("/admin/calendar", form: ["date": "01/12/2026", "nameMs": "Cuti Peristiwa Banjir", "nameEn": "Flood holiday", "scope": "states", "states[]": "KTN"])
            #expect(response.status == .seeOther)
            let after = try await app.calendarService.calendar(on: app.db)
            #expect(!after.isWorkingDay(LocalDate("2026-12-01")!, in: .kelantan))
            #expect(after.isWorkingDay(LocalDate("2026-12-01")!, in: .selangor))
            let page = try await admin.get("/admin/calendar?state=KTN&year=2026")
            #expect(page.body.string.contains("Cuti Peristiwa Banjir"))
            #expect(page.body.string.contains("Hari Keputeraan Sultan Kelantan"))
        }
    }

    @Test func badHolidayInputIsRefused() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            try await admin.get("/admin/calendar")
            let response = try await admin.post("/admin/calendar", form: ["date": "31/02/2026", "nameMs": "", "nameEn": "x", "scope": "states"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Masukkan tarikh"))
            #expect(response.body.string.contains("Pilih sekurang-kurangnya satu negeri"))
            #expect(try await AdHocHoliday.query(on: app.db).count() == 0)
        }
    }
}

@Suite struct AuditPageTests {
    @Test func filtersByActionAndDate() async throws {
        try await withLayan { app in
            let admin = try await adminBrowser(app)
            try await TestBrowser(app).signIn("someone@test.layan.my", "wrong password")
            let failed = try await admin.get("/admin/audit?action=sign_in_failed")
            #expect(failed.status == .ok)
            #expect(failed.body.string.contains("someone@test.layan.my"))
            let today = MalaysianTime.shortDate(Date())
            let dated = try await admin.get("/admin/audit?from=\(today)&to=\(today)&action=sign_in")
            #expect(dated.body.string.contains(TestStaff.email(.administrator)))
            #expect(!dated.body.string.contains("someone@test.layan.my"))
            let bad = try await admin.get("/admin/audit?from=yesterday")
            #expect(bad.status == .ok)
            #expect(bad.body.string.contains("Masukkan tarikh"))
        }
    }
}
