import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

@Suite struct MetaWebhookTests {
    static let secret = "meta-app-secret", verifyToken = "layan-verify"

    func withMeta(_ body: (Application) async throws -> Void) async throws {
        try await withLayan(adjust: { $0.metaAppSecret = Self.secret; $0.metaVerifyToken = Self.verifyToken }) { app in
            _ = try await CaseFixture.make(app)
            try await body(app)
        }
    }

    func post(_ app: Application, _ json: String, signature: String? = nil) async throws -> TestingHTTPResponse {
        let signed = signature ?? WebhookSignature.meta(appSecret: Self.secret, body: Array(json.utf8))
        return try await app.testing().sendRequest(.POST, SiteURL.channels(.metaWebhook).path,
                                                   headers: ["Content-Type": "application/json", "X-Hub-Signature-256": signed], body: ByteBuffer(string: json))
    }

    static func whatsapp(id: String, from: String = "60123456789", text: String) -> String {
        // Spaced and ordered as Meta sends it: the signature covers these bytes, not a re-serialisation.
        """
        {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"value": {"messaging_product": "whatsapp",
          "metadata": {"display_phone_number": "60388801000", "phone_number_id": "106540352242922"},
          "contacts": [{"profile": {"name": "Ahmad Faizal"}, "wa_id": "\(from)"}],
          "messages": [{"from": "\(from)", "id": "\(id)", "timestamp": "1796285730", "text": {"body": "\(text)"}, "type": "text"}]},
          "field": "messages"}]}]}
        """
    }

    @Test func theHandshakeEchoesTheChallengeOnlyForOurVerifyToken() async throws {
        try await withMeta { app in
            // when
            let ours = try await app.testing().sendRequest(.GET, "/channels/meta/webhook?hub.mode=subscribe&hub.verify_token=layan-verify&hub.challenge=1158201444")
            let theirs = try await app.testing().sendRequest(.GET, "/channels/meta/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444")
            // then
            #expect(ours.status == .ok && ours.body.string == "1158201444")
            #expect(theirs.status == .forbidden)
        }
    }

    @Test func aSignedWhatsAppMessageStartsACaseWithTheSendersNameAndNumber() async throws {
        try await withMeta { app in
            // when
            let response = try await post(app, Self.whatsapp(id: "wamid.HBgLNjAxMjM0NTY3ODkVAgASGBQzQTdCM0Y", text: "Bila lesen saya siap?"))
            // then
            #expect(response.status == .ok)
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$channel == .whatsapp).first())
            #expect(record.customerName == "Ahmad Faizal" && record.customerPhoneDigits == "0123456789")
            #expect(record.details == "Bila lesen saya siap?")
        }
    }

    @Test func aWrongSignatureIs403AndNothingIsFiled() async throws {
        try await withMeta { app in
            // when
            let json = Self.whatsapp(id: "wamid.X", text: "Palsu")
            let wrong = try await post(app, json, signature: WebhookSignature.meta(appSecret: "another", body: Array(json.utf8)))
            let missing = try await app.testing().sendRequest(.POST, "/channels/meta/webhook", headers: ["Content-Type": "application/json"],
                                                              body: ByteBuffer(string: json))
            // then
            #expect(wrong.status == .forbidden && missing.status == .forbidden)
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .refused).count() == 2)
        }
    }

    @Test func messengerMessagesFromOneSenderAreOneCase() async throws {
        try await withMeta { app in
            func messenger(_ mid: String, _ text: String) -> String {
                #"{"object":"page","entry":[{"id":"PAGE1","time":1796285730000,"messaging":[{"sender":{"id":"6945413542194212"},"recipient":{"id":"PAGE1"},"timestamp":1796285730000,"message":{"mid":"\#(mid)","text":"\#(text)"}}]}]}"#
            }
            // when
            _ = try await post(app, messenger("m_1", "Kaunter tutup awal semalam."))
            _ = try await post(app, messenger("m_2", "Di cawangan Shah Alam."))
            _ = try await post(app, messenger("m_2", "Di cawangan Shah Alam."))
            // then
            let cases = try await CaseRecord.query(on: app.db).filter(\.$channel == .facebook).all()
            #expect(cases.count == 1)
            #expect(cases.first?.anonymous == true)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .customerMessage).count() == 1)
        }
    }

    @Test func aSignedBodyThatIsNotAWebhookIs400() async throws {
        try await withMeta { app in
            let response = try await post(app, "[1, 2")
            #expect(response.status == .badRequest)
        }
    }
}
