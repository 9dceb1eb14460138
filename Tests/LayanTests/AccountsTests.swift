import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Layan
@testable import LayanCore

@Suite struct SignInTests {
    @Test func signInRotatesTheSessionAndLandsOnStaffHome() async throws {
        try await withLayan { app in
            // given an officer and a visitor who already has an anonymous session from the sign-in page
            try await TestStaff.create(.counterOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.get("/login")
            let anonymous = try #require(browser.cookies[SessionMiddleware.cookieName])
            // when they sign in
            let response = try await browser.signIn(TestStaff.email(.counterOfficer))
            // then a new session id (no fixation), a redirect to the staff home, which greets them
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/staff")
            let signedIn = try #require(browser.cookies[SessionMiddleware.cookieName])
            #expect(signedIn != anonymous)
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix(SessionMiddleware.cookieName) })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let home = try await browser.get("/staff")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Pegawai counter_officer"))
            // and the old anonymous session is gone from the database
            #expect(try await WebSession.query(on: app.db).count() == 1)
        }
    }

    @Test func wrongPasswordIsRefusedAndAudited() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            let response = try await browser.signIn(TestStaff.email(.caseOfficer), "not the password")
            #expect(response.status == .unauthorized)
            #expect(response.body.string.contains("E-mel atau kata laluan tidak betul"))
            // the e-mail typed stays in the form
            #expect(response.body.string.contains(#"value="case_officer@test.layan.my""#))
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == .signInFailed).all()
            #expect(events.count == 1)
            #expect(events.first?.actor == TestStaff.email(.caseOfficer))
        }
    }

    @Test func unknownAndInactiveAccountsLookTheSame() async throws {
        try await withLayan { app in
            try await TestStaff.create(.supervisor, in: app, active: false)
            let browser = TestBrowser(app)
            let inactive = try await browser.signIn(TestStaff.email(.supervisor))
            let unknown = try await browser.signIn("nobody@test.layan.my")
            #expect(inactive.status == .unauthorized && unknown.status == .unauthorized)
        }
    }

    @Test func fiveFailuresThrottleTheAccount() async throws {
        try await withLayan { app in
            try await TestStaff.create(.telephoneOperator, in: app)
            let browser = TestBrowser(app)
            for _ in 0..<5 { try await browser.signIn(TestStaff.email(.telephoneOperator), "wrong password!") }
            // even the right password is refused now, with a clear message
            let blocked = try await browser.signIn(TestStaff.email(.telephoneOperator))
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers.first(name: .retryAfter) == "900")
            #expect(blocked.body.string.contains("Terlalu banyak cubaan"))
            // after the window it works again
            app.clock = FixedClock(Date().addingTimeInterval(16 * 60))
            #expect(try await browser.signIn(TestStaff.email(.telephoneOperator)).status == .seeOther)
        }
    }

    @Test func emptyAndMalformedInputGetFieldMessages() async throws {
        try await withLayan { app in
            let browser = TestBrowser(app)
            try await browser.get("/login")
            let empty = try await browser.post("/login", form: [:])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("error-summary"))
            #expect(empty.body.string.contains("Masukkan e-mel anda"))
            let markup = try await browser.post("/login", form: ["email": "<script>alert(1)</script>", "password": "x"])
            #expect(markup.status == .unprocessableEntity)
            #expect(!markup.body.string.contains("<script>alert(1)</script>"))
            #expect(markup.body.string.contains("&lt;script&gt;"))
        }
    }

    @Test func nextParameterCannotLeaveTheSite() async throws {
        try await withLayan { app in
            try await TestStaff.create(.administrator, in: app)
            let browser = TestBrowser(app)
            try await browser.get("/login")
            let response = try await browser.post("/login", form: ["email": TestStaff.email(.administrator), "password": TestStaff.password, "next": "//evil.example/x"])
            #expect(response.headers.first(name: .location) == "/staff")
        }
    }

    @Test func staffPagesSendStrangersToSignIn() async throws {
        try await withLayan { app in
            let response = try await TestBrowser(app).get("/staff")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/login?next=/staff")
        }
    }
}

@Suite struct SessionTests {
    @Test func idleSessionExpires() async throws {
        let clock = FixedClock(Date())
        try await withLayan(clock: clock) { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            clock.advance(by: 20 * 60)
            #expect(try await browser.get("/staff").status == .ok)
            // 31 minutes without a request
            clock.advance(by: 31 * 60)
            #expect(try await browser.get("/staff").status == .seeOther)
        }
    }

    @Test func absoluteLimitEndsEvenABusySession() async throws {
        let clock = FixedClock(Date())
        try await withLayan(clock: clock) { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            for _ in 0..<49 {  // a request every 15 minutes for 12¼ hours
                clock.advance(by: 15 * 60)
                try await browser.get("/staff")
            }
            #expect(try await browser.get("/staff").status == .seeOther)
        }
    }

    @Test func signOutEndsTheSessionServerSide() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            let stolen = browser.cookies[SessionMiddleware.cookieName]!
            try await browser.get("/staff")
            let out = try await browser.post("/logout")
            #expect(out.status == .seeOther)
            // the old cookie, replayed, is worthless
            let replay = TestBrowser(app)
            replay.cookies[SessionMiddleware.cookieName] = stolen
            #expect(try await replay.get("/staff").status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .signOut).count() == 1)
        }
    }

    @Test func deactivatingAnOfficerEndsTheirSession() async throws {
        try await withLayan { app in
            let staff = try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            staff.active = false
            try await staff.save(on: app.db)
            #expect(try await browser.get("/staff").status == .seeOther)
        }
    }
}

@Suite struct CSRFTests {
    @Test func formWithoutTokenIsRefused() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            let forged = try await browser.post("/logout", csrf: .some(.some("not-the-token")))
            #expect(forged.status == .forbidden)
            let missing = try await browser.post("/logout", csrf: .none)
            #expect(missing.status == .forbidden)
            // still signed in
            #expect(try await browser.get("/staff").status == .ok)
        }
    }

    @Test func crossSiteRequestsAreRefusedEvenWithAToken() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            try await browser.get("/staff")
            let crossSite = try await browser.post("/logout", headers: ["Sec-Fetch-Site": "cross-site"])
            #expect(crossSite.status == .forbidden)
            let otherOrigin = try await browser.post("/logout", headers: ["Origin": "https://evil.example", "Host": "layan.example"])
            #expect(otherOrigin.status == .forbidden)
            let sameOrigin = try await browser.post("/logout", headers: ["Origin": "https://layan.example", "Host": "layan.example"])
            #expect(sameOrigin.status == .seeOther)
        }
    }

    @Test func tokenInHeaderWorksForScripts() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            try await browser.get("/staff")
            let token = try #require(browser.lastCSRF)
            let response = try await browser.send(.POST, "/logout", headers: ["X-CSRF-Token": token], body: nil)
            #expect(response.status == .seeOther)
        }
    }
}

@Suite struct PasswordChangeTests {
    @Test func changingPasswordSignsOutOtherSessions() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let laptop = TestBrowser(app), phone = TestBrowser(app)
            try await laptop.signIn(TestStaff.email(.caseOfficer))
            try await phone.signIn(TestStaff.email(.caseOfficer))
            try await laptop.get("/account/password")
            let response = try await laptop.post("/account/password", form: ["current": TestStaff.password, "new": "a brand new passphrase", "confirm": "a brand new passphrase"])
            #expect(response.status == .seeOther)
            #expect(try await laptop.get("/staff").body.string.contains("telah ditukar"))
            #expect(try await phone.get("/staff").status == .seeOther)
            #expect(try await TestBrowser(app).signIn(TestStaff.email(.caseOfficer), "a brand new passphrase").status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .passwordChanged).count() == 1)
        }
    }

    @Test func weakOrMismatchedPasswordsAreExplained() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            try await browser.get("/account/password")
            let short = try await browser.post("/account/password", form: ["current": TestStaff.password, "new": "short", "confirm": "short"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("sekurang-kurangnya 12 aksara"))
            let mismatch = try await browser.post("/account/password", form: ["current": TestStaff.password, "new": "long enough password", "confirm": "long enough passw0rd"])
            #expect(mismatch.body.string.contains("tidak sama"))
            let wrongCurrent = try await browser.post("/account/password", form: ["current": "nope nope nope", "new": "long enough password", "confirm": "long enough password"])
            #expect(wrongCurrent.body.string.contains("semasa tidak betul"))
        }
    }
}

@Suite struct AuditTrailTests {
    @Test func auditTrailRefusesUpdateAndDelete() async throws {
        try await withLayan { app in
            try await TestStaff.create(.caseOfficer, in: app)
            try await TestBrowser(app).signIn(TestStaff.email(.caseOfficer))
            let sql = app.db as! any SQLDatabase
            #expect(try await AuditEvent.query(on: app.db).count() == 1)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_events SET actor = 'someone else'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_events").run() }
            let event = try #require(try await AuditEvent.query(on: app.db).first())
            #expect(event.actor == TestStaff.email(.caseOfficer))
            #expect(event.action == .signIn)
            #expect(event.requestID != nil)
        }
    }
}
