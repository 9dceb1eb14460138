import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Messages to the agency's numbers as Twilio delivers them: form-encoded and signed with the auth token.
struct TwilioSender {
    static let authToken = "twilio-test-token"
    let app: Application

    func deliver(_ fields: [(String, String)], signature: String? = nil) async throws -> TestingHTTPResponse {
        let path = SiteURL.channels(.twilioMessages).path
        let signed = signature ?? WebhookSignature.twilio(authToken: Self.authToken, url: "http://localhost:8080" + path,
                                                          parameters: fields.map { (name: $0.0, value: $0.1) })
        let body = fields.map { "\(TestBrowser.encode($0.0))=\(TestBrowser.encode($0.1))" }.joined(separator: "&")
        return try await app.testing().sendRequest(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signed],
                                                   body: ByteBuffer(string: body))
    }

    static func sms(_ sid: String, from: String = "+60123456789", _ body: String) -> [(String, String)] {
        [("MessageSid", sid), ("AccountSid", "AC0000"), ("From", from), ("To", "+60388801000"), ("Body", body), ("NumMedia", "0")]
    }
}

@Suite struct TwilioTests {
    func withTwilio(_ body: (Application, TwilioSender) async throws -> Void) async throws {
        try await withLayan(adjust: { $0.twilioAuthToken = TwilioSender.authToken }) { app in
            _ = try await CaseFixture.make(app)
            try await body(app, TwilioSender(app: app))
        }
    }

    @Test func aSignedSMSStartsACaseAndIsOnTheIntakeLog() async throws {
        try await withTwilio { app, twilio in
            // when
            let response = try await twilio.deliver(TwilioSender.sms("SM001", "Lampu jalan di Jalan 7 padam."))
            // then
            #expect(response.status == .ok)
            #expect(response.body.string.contains("<Response></Response>"))
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$channel == .sms).first())
            #expect(record.details == "Lampu jalan di Jalan 7 padam.")
            #expect(record.customerPhoneDigits == "0123456789" && record.contactBy == .sms)
            let entry = try #require(try await IntakeEntry.query(on: app.db).first())
            #expect(entry.outcome == .filed && entry.$caseRecord.id == record.id && entry.providerMessageID == "SM001")
        }
    }

    @Test func theSameSendersNextMessageContinuesTheirOpenCase() async throws {
        try await withTwilio { app, twilio in
            // given
            _ = try await twilio.deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            // when
            _ = try await twilio.deliver(TwilioSender.sms("SM002", from: "+60 12-345 6789", "Sudah tiga malam."))
            // then
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            let messages = try await CaseEvent.query(on: app.db).filter(\.$caseRecord.$id == record.id!).filter(\.$kind == .customerMessage).all()
            #expect(messages.map(\.body) == ["Sudah tiga malam."])
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .continued).count() == 1)
        }
    }

    @Test func aContinuingMessageMovesTheCaseUpTheListAndKeepsItsStatus() async throws {
        // given an SMS case filed at 09:00
        let clock = FixedClock(Date(timeIntervalSince1970: 1_796_000_400))
        try await withLayan(clock: clock, adjust: { $0.twilioAuthToken = TwilioSender.authToken }) { app in
            _ = try await CaseFixture.make(app)
            let twilio = TwilioSender(app: app)
            _ = try await twilio.deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            let filed = try #require(try await CaseRecord.query(on: app.db).first())
            // when the sender writes again an hour later
            clock.set(clock.now().addingTimeInterval(3600))
            _ = try await twilio.deliver(TwilioSender.sms("SM002", "Masih padam."))
            // then the case was changed then (lists sort by it), and is still waiting for the officer as it was
            let after = try #require(try await CaseRecord.find(filed.id, on: app.db))
            #expect(after.updatedAt == clock.now())
            #expect(after.status == filed.status)
        }
    }

    @Test func aRepeatedDeliveryAddsNothing() async throws {
        try await withTwilio { app, twilio in
            // given
            _ = try await twilio.deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            // when Twilio retries the same message
            let again = try await twilio.deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            // then
            #expect(again.status == .ok)
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .customerMessage).count() == 0)
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .duplicate).count() == 1)
        }
    }

    @Test func aForgedOrUnsignedDeliveryIs403AndOnlyTheAttemptIsKept() async throws {
        try await withTwilio { app, twilio in
            // when
            let forged = try await twilio.deliver(TwilioSender.sms("SM009", "Palsu"), signature: "bm90IGEgc2lnbmF0dXJl")
            // then
            #expect(forged.status == .forbidden)
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
            let entry = try #require(try await IntakeEntry.query(on: app.db).first())
            #expect(entry.outcome == .refused && entry.summary.isEmpty)
        }
    }

    @Test func whatsappThroughTwilioIsItsOwnChannel() async throws {
        try await withTwilio { app, twilio in
            // when
            _ = try await twilio.deliver([("MessageSid", "SM100"), ("From", "whatsapp:+60198887777"), ("ProfileName", "Mei Ling"),
                                          ("Body", "<script>alert(1)</script> longkang tersumbat"), ("NumMedia", "1"),
                                          ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC0000/Messages/SM100/Media/ME1")])
            // then
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$channel == .whatsapp).first())
            #expect(record.customerName == "Mei Ling")
            #expect(record.details.hasPrefix("<script>alert(1)</script> longkang tersumbat"), "stored as the text it is")
            #expect(record.details.contains("/Media/ME1"))
        }
    }

    @Test func theIntakeLogShowsEveryArrivalByChannel() async throws {
        try await withTwilio { app, twilio in
            // given
            _ = try await twilio.deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            _ = try await twilio.deliver(TwilioSender.sms("SM009", "Palsu"), signature: "x")
            try await TestStaff.createAll(in: app)
            let browser = TestBrowser(app)
            _ = try await browser.signIn(TestStaff.email(.supervisor))
            // when
            let all = try await browser.get(SiteURL.channels(.intake).path)
            let refused = try await browser.get(SiteURL.channels(.intake).path(["outcome": "refused"]))
            // then
            #expect(all.status == .ok)
            #expect(all.body.string.contains("intake--filed") && all.body.string.contains("intake--refused"))
            #expect(!refused.body.string.contains("intake--filed"))
        }
    }
}

@Suite struct ChannelAbuseTests {
    @Test func aSenderFloodingAChannelIsLimitedAndTheirEarlierMessagesStay() async throws {
        try await withLayan(adjust: { $0.twilioAuthToken = TwilioSender.authToken }) { app in
            _ = try await CaseFixture.make(app)
            let twilio = TwilioSender(app: app)
            // when one number sends far more than a person writes
            for number in 1...(RateLimit.channelSender.limit + 5) {
                let response = try await twilio.deliver(TwilioSender.sms("SM\(number)", "Mesej \(number)"))
                #expect(response.status == .ok)
            }
            // then the first ones are one case with its messages, the rest are on the log as limited, with their text
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .customerMessage).count() == RateLimit.channelSender.limit - 1)
            let limited = try await IntakeEntry.query(on: app.db).filter(\.$outcome == .refused).all()
            #expect(limited.count == 5 && limited.allSatisfy { $0.reason?.hasPrefix("rate limited") == true && $0.summary.hasPrefix("Mesej") })
            // and another sender is not held back
            _ = try await twilio.deliver(TwilioSender.sms("SMother", from: "+60199999999", "Lampu padam."))
            #expect(try await CaseRecord.query(on: app.db).count() == 2)
        }
    }

    @Test func forgedDeliveriesAreAlwaysRefusedButLoggedOnlyUpToACap() async throws {
        try await withLayan(adjust: { $0.twilioAuthToken = TwilioSender.authToken }) { app in
            _ = try await CaseFixture.make(app)
            let twilio = TwilioSender(app: app)
            for number in 1...(RateLimit.refusalLog.limit + 10) {
                let response = try await twilio.deliver(TwilioSender.sms("SM\(number)", "x"), signature: "forged")
                #expect(response.status == .forbidden)
            }
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .refused).count() == RateLimit.refusalLog.limit)
        }
    }

    @Test func webhookBodiesOverTheirLimitAre413() async throws {
        try await withLayan(adjust: { $0.twilioAuthToken = TwilioSender.authToken; $0.metaAppSecret = "s"; $0.xConsumerSecret = "s" }) { app in
            _ = try await CaseFixture.make(app)
            // given bodies past each webhook's limit (64 KB Twilio, 256 KB Meta and X), over a real connection
            let oversized: [(String, Int, String)] = [
                (SiteURL.channels(.twilioMessages).path, 65 * 1024, "application/x-www-form-urlencoded"),
                (SiteURL.channels(.metaWebhook).path, 257 * 1024, "application/json"),
                (SiteURL.channels(.xWebhook).path, 257 * 1024, "application/json"),
            ]
            for (path, size, type) in oversized {
                try await app.testing(method: .running(port: 0)).test(.POST, path, headers: ["Content-Type": type],
                                                                      body: ByteBuffer(string: String(repeating: "a", count: size))) { response async throws in
                    // then
                    #expect(response.status == .payloadTooLarge, "\(path)")
                }
            }
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }
}
