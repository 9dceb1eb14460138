import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// X's Account Activity webhook: the CRC check and signed direct-message events.
@Suite struct XWebhookTests {
    static let secret = "x-consumer-secret"

    func withX(_ body: (Application) async throws -> Void) async throws {
        try await withLayan(adjust: { $0.xConsumerSecret = Self.secret }) { app in
            _ = try await CaseFixture.make(app)
            try await body(app)
        }
    }

    static func post(_ app: Application, _ json: String, signature: String? = nil) async throws -> TestingHTTPResponse {
        let signed = signature ?? WebhookSignature.x(consumerSecret: secret, bytes: Array(json.utf8))
        return try await app.testing().sendRequest(.POST, SiteURL.channels(.xWebhook).path,
                                                   headers: ["Content-Type": "application/json", "x-twitter-webhooks-signature": signed], body: ByteBuffer(string: json))
    }

    /// A direct message event as the Account Activity API documents it.
    static func directMessage(id: String, from sender: String = "3805104374", text: String) -> String {
        """
        {"for_user_id": "4337869213", "direct_message_events": [{"type": "message_create", "id": "\(id)", "created_timestamp": "1796285730000",
          "message_create": {"target": {"recipient_id": "4337869213"}, "sender_id": "\(sender)", "message_data": {"text": "\(text)", "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}}}}],
         "users": {"\(sender)": {"id": "\(sender)", "created_timestamp": "1422556069340", "name": "Nur Aisyah", "screen_name": "aisyah_n"},
                   "4337869213": {"id": "4337869213", "name": "Agensi Layan", "screen_name": "agensilayan"}}}
        """
    }

    @Test func theCRCIsAnsweredWithTheSignedToken() async throws {
        try await withX { app in
            // when
            let response = try await app.testing().sendRequest(.GET, SiteURL.channels(.xWebhook).path + "?crc_token=challenge-123")
            // then, as computed independently: Base64(HMAC-SHA256("x-consumer-secret", "challenge-123"))
            #expect(response.status == .ok)
            let answer = try response.content.decode(XWebhookController.CRCAnswer.self)
            #expect(answer.response_token == WebhookSignature.x(consumerSecret: Self.secret, bytes: Array("challenge-123".utf8)))
            #expect(answer.response_token.hasPrefix("sha256="))
        }
    }

    @Test func aSignedDirectMessageStartsACaseAndTheNextContinuesIt() async throws {
        try await withX { app in
            // when
            let first = try await Self.post(app, Self.directMessage(id: "1001", text: "Laman web tidak dapat dibuka."))
            _ = try await Self.post(app, Self.directMessage(id: "1002", text: "Masih tidak boleh."))
            _ = try await Self.post(app, Self.directMessage(id: "1002", text: "Masih tidak boleh."))
            // then
            #expect(first.status == .ok)
            let cases = try await CaseRecord.query(on: app.db).filter(\.$channel == .x).all()
            #expect(cases.count == 1 && cases.first?.anonymous == true)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$kind == .customerMessage).all().map(\.body) == ["Masih tidak boleh."])
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .duplicate).count() == 1)
        }
    }

    @Test func ourOwnMessagesAreNotTheCustomers() async throws {
        try await withX { app in
            _ = try await Self.post(app, Self.directMessage(id: "2001", from: "4337869213", text: "Terima kasih, kami sedang menyemak."))
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func aForgedOrUnsignedEventIs403AndOnlyTheAttemptIsKept() async throws {
        try await withX { app in
            let forged = try await Self.post(app, Self.directMessage(id: "1001", text: "x"), signature: "sha256=AAAA")
            let unsigned = try await app.testing().sendRequest(.POST, SiteURL.channels(.xWebhook).path, headers: ["Content-Type": "application/json"],
                                                               body: ByteBuffer(string: Self.directMessage(id: "1001", text: "x")))
            #expect(forged.status == .forbidden && unsigned.status == .forbidden)
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .refused).count() == 2)
        }
    }

    @Test func withoutTheSecretEverythingIsRefused() async throws {
        try await withLayan { app in
            let crc = try await app.testing().sendRequest(.GET, SiteURL.channels(.xWebhook).path + "?crc_token=abc")
            #expect(crc.status == .forbidden)
        }
    }
}
