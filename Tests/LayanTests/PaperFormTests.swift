import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Printed complaint/feedback forms and their entry from the feedback box (issue #17, item 4).
@Suite struct PaperFormTests {
    func withForms(_ body: (Application, CaseFixture, TestBrowser) async throws -> Void) async throws {
        try await withLayan { app in
            let fixture = try await CaseFixture.make(app)
            let browser = TestBrowser(app)
            _ = try await browser.signIn("kes1@test.layan.my")
            try await body(app, fixture, browser)
        }
    }

    func printBatch(_ browser: TestBrowser, _ fixture: CaseFixture, copies: Int, size: String = "a4") async throws -> TestingHTTPResponse {
        _ = try await browser.get(SiteURL.channels(.paperForms).path)
        return try await browser.post(SiteURL.channels(.paperForms).path, form: ["branch": fixture.branch.id!.uuidString, "size": size, "copies": String(copies)])
    }

    func enter(_ browser: TestBrowser, _ fixture: CaseFixture, serial: String, details: String = "Tandas awam kotor.", extra: [String: String] = [:]) async throws
        -> TestingHTTPResponse {
        _ = try await browser.get(SiteURL.channels(.paperFormEntry).path)
        var form = ["branch": fixture.branch.id!.uuidString, "channel": "feedback_box", "droppedOn": LocalDate(Date()).adding(days: -1).iso,
                    "serial": serial, "type": "complaint", "details": details]
        for (key, value) in extra { form[key] = value }
        return try await browser.post(SiteURL.channels(.paperFormEntry).path, form: form)
    }

    @Test func aPrintedBatchHasRunningSerialsEachWithAQRCodeToTheOnlineForm() async throws {
        try await withForms { app, fixture, browser in
            // when two batches are printed
            _ = try await printBatch(browser, fixture, copies: 3)
            let second = try await printBatch(browser, fixture, copies: 2, size: "a5")
            // then the second continues the numbers, one form per sheet, in both languages
            #expect(second.status == .seeOther)
            let sheets = try await browser.get(try #require(second.headers.first(name: .location)))
            let html = sheets.body.string
            #expect(html.contains("SHA-000004-\(PaperFormSerial.checkDigit("000004"))") && html.contains("SHA-000005-"))
            #expect(!html.contains("SHA-000003-"))
            #expect(html.components(separatedBy: "class=\"paper-form\"").count - 1 == 2)
            #expect(html.contains("Borang Aduan dan Maklum Balas") && html.contains("Complaint and Feedback Form"))
            #expect(html.contains("src=\"data:image/svg+xml;base64,") && html.contains("paper-forms--a5"))
        }
    }

    @Test func aFormFromTheBoxBecomesACaseWithItsSerialAndDay() async throws {
        try await withForms { app, fixture, browser in
            // given
            _ = try await printBatch(browser, fixture, copies: 5)
            // when the officer types form 2 without dashes
            let response = try await enter(browser, fixture, serial: "sha0000026", extra: ["phone": "012-3456789", "name": "Encik Lim"])
            // then
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.contains("channel=feedback_box") == true)
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            #expect(record.channel == .feedbackBox && record.details == "Tandas awam kotor." && record.customerName == "Encik Lim")
            let form = try #require(try await PaperFormEntry.find("SHA-000002-6", on: app.db))
            #expect(form.$caseRecord.id == record.id && form.enteredBy == "Pegawai Kes 1")
            // and it is on the one intake log like every other channel's arrivals
            let line = try #require(try await IntakeEntry.query(on: app.db).filter(\.$channel == .feedbackBox).first())
            #expect(line.outcome == .filed && line.providerMessageID == "SHA-000002-6" && line.$caseRecord.id == record.id)
            // and the case page says which form and when it was dropped
            let page = try await browser.get(CaseURL.staff(record))
            #expect(page.body.string.contains("SHA-000002-6"))
        }
    }

    @Test func theSameFormTwiceIsRefusedWithALinkToItsCase() async throws {
        try await withForms { app, fixture, browser in
            _ = try await printBatch(browser, fixture, copies: 5)
            _ = try await enter(browser, fixture, serial: "SHA-000002-6")
            // when
            let again = try await enter(browser, fixture, serial: "SHA 000002 6", details: "Lain")
            // then
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("id=\"duplicate-form\""))
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func aMistypedOrUnprintedSerialIsRefused() async throws {
        try await withForms { app, fixture, browser in
            _ = try await printBatch(browser, fixture, copies: 5)
            let swapped = try await enter(browser, fixture, serial: "SHA-000020-6")
            let unprinted = try await enter(browser, fixture, serial: PaperFormSerial(branchCode: "SHA", number: 9).description)
            let otherBranch = try await enter(browser, fixture, serial: PaperFormSerial(branchCode: "KBR", number: 2).description)
            #expect(swapped.status == .unprocessableEntity && swapped.body.string.contains("serial-error"))
            #expect(unprinted.status == .unprocessableEntity && otherBranch.status == .unprocessableEntity)
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func aFormWithoutContactIsAnAnonymousCase() async throws {
        try await withForms { app, fixture, browser in
            _ = try await printBatch(browser, fixture, copies: 1)
            _ = try await enter(browser, fixture, serial: PaperFormSerial(branchCode: "SHA", number: 1).description)
            #expect(try await CaseRecord.query(on: app.db).first()?.anonymous == true)
        }
    }

    @Test func theQRCodeOpensTheOnlineFormWithItsBranchAndTheSerialIsThenTaken() async throws {
        try await withForms { app, fixture, browser in
            // given a printed form
            _ = try await printBatch(browser, fixture, copies: 1)
            let serial = PaperFormSerial(branchCode: "SHA", number: 1).description
            // when a customer scans it and files online
            let visitor = TestBrowser(app)
            let form = try await visitor.get(SiteURL.cases(.newPublic).path(["cawangan": "SHA", "borang": serial]))
            #expect(form.body.string.contains("name=\"formSerial\" value=\"\(serial)\""))
            let filed = try await visitor.post(SiteURL.cases(.newPublic).path, form: [
                "type": "complaint", "subject": "Tandas", "details": "Tandas kotor.", "branch": fixture.branch.id!.uuidString, "name": "Siti",
                "email": "siti@example.my", "formSerial": serial])
            #expect(filed.status == .seeOther)
            // then the paper copy, if it is also dropped in the box, is caught
            let paper = try await enter(browser, fixture, serial: serial)
            #expect(paper.status == .unprocessableEntity)
            #expect(try await PaperFormEntry.find(serial, on: app.db)?.channel == .web)
        }
    }

    @Test func badPrintRequestsAreRefusedOnTheForm() async throws {
        try await withForms { app, fixture, browser in
            let tooMany = try await printBatch(browser, fixture, copies: PaperFormsController.maximumCopies + 1)
            #expect(tooMany.status == .unprocessableEntity && tooMany.body.string.contains("copies-error"))
            #expect(try await PaperFormBatch.query(on: app.db).count() == 0)
        }
    }
}
