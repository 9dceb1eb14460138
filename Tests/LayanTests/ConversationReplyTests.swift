import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Replies go back by the channel a case came by (issue #17, item 3), through each provider's send API — here a local
/// stand-in that records what arrives — with the provider's authentication, and the delivery state on the case.
@Suite(.serialized) struct ConversationReplyTests {
    func withProviders(_ body: (Application, ProviderSink) async throws -> Void) async throws {
        try await withProviderSink { sink in
            try await withLayan(adjust: {
                $0.twilioAuthToken = TwilioSender.authToken
                $0.metaAppSecret = MetaWebhookTests.secret
                $0.xConsumerSecret = XWebhookTests.secret
                $0.conversations.twilioAPIURL = sink.baseURL
                $0.conversations.twilioAccountSID = "AC0000"
                $0.conversations.metaGraphURL = sink.baseURL + "/v21.0"
                $0.conversations.whatsAppToken = "whatsapp-token"
                $0.conversations.messengerPageToken = "page-token"
                $0.conversations.xAPIURL = sink.baseURL
                $0.conversations.xAccessToken = "x-token"
            }) { app in
                _ = try await CaseFixture.make(app)
                try await body(app, sink)
            }
        }
    }

    func form(_ body: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: body.split(separator: "&").map {
            let pair = $0.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            return (pair[0], pair.count > 1 ? pair[1] : "")
        })
    }

    func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    func officerReplies(_ app: Application, _ text: String) async throws {
        let record = try #require(try await CaseRecord.query(on: app.db).first())
        let officer = try #require(try await Staff.query(on: app.db).filter(\.$email == "kes1@test.layan.my").first())
        _ = try await CaseEngine(app: app).addMessage(record.id!, body: text, isPublic: true,
                                                      by: .staff(StaffIdentity(staff: officer)))
    }

    @Test func anSMSCaseIsAcknowledgedAndAnsweredThroughTwilioFromTheNumberTheCustomerWroteTo() async throws {
        try await withProviders { app, sink in
            // given an SMS to our number
            _ = try await TwilioSender(app: app).deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            // when the outbox runs, and again after an officer's reply
            try await OutboxWorker(app: app).runOnce()
            try await officerReplies(app, "Pasukan kami akan ke lokasi esok.")
            try await OutboxWorker(app: app).runOnce()
            // then both went to Twilio's Messages API with the account's Basic credentials
            #expect(sink.requests.count == 2)
            let reply = try #require(sink.requests.last)
            #expect(reply.path == "/2010-04-01/Accounts/AC0000/Messages.json")
            #expect(reply.headers.basicAuthorization?.username == "AC0000" && reply.headers.basicAuthorization?.password == TwilioSender.authToken)
            let fields = form(reply.body)
            #expect(fields["To"] == "+60123456789" && fields["From"] == "+60388801000")
            #expect(fields["Body"]?.contains("Pasukan kami akan ke lokasi esok.") == true)
            // and the delivery is on the case, with Twilio's id
            let sent = try await OutboxMessage.query(on: app.db).filter(\.$channel == .twilio).all()
            #expect(sent.count == 2 && sent.allSatisfy { $0.state == .sent })
            #expect(Set(sent.compactMap(\.providerMessageID)) == ["SM1", "SM2"])
        }
    }

    @Test func aTwilioWhatsAppCaseIsAnsweredOnWhatsApp() async throws {
        try await withProviders { app, sink in
            _ = try await TwilioSender(app: app).deliver([("MessageSid", "SM9"), ("From", "whatsapp:+60123456789"), ("To", "whatsapp:+60388801000"),
                                                          ("Body", "Kaunter tutup."), ("NumMedia", "0")])
            try await OutboxWorker(app: app).runOnce()
            let fields = form(try #require(sink.requests.first).body)
            #expect(fields["To"] == "whatsapp:+60123456789" && fields["From"] == "whatsapp:+60388801000")
        }
    }

    @Test func aWhatsAppCloudCaseIsAnsweredThroughTheCloudAPIFromItsPhoneNumberID() async throws {
        try await withProviders { app, sink in
            // given
            _ = try await MetaWebhookTests().post(app, MetaWebhookTests.whatsapp(id: "wamid.1", text: "Permit saya belum siap."))
            // when
            try await OutboxWorker(app: app).runOnce()
            // then
            let request = try #require(sink.requests.first)
            #expect(request.path == "/v21.0/106540352242922/messages")
            #expect(request.headers.bearerAuthorization?.token == "whatsapp-token")
            let body = try json(request.body)
            #expect(body["messaging_product"] as? String == "whatsapp" && body["to"] as? String == "60123456789" && body["type"] as? String == "text")
            #expect(((body["text"] as? [String: Any])?["body"] as? String)?.contains("ADU-") == true)
            #expect(try await OutboxMessage.query(on: app.db).first()?.providerMessageID == "wamid.sent1")
        }
    }

    @Test func aMessengerCaseIsAnsweredThroughTheSendAPIAlthoughItIsAnonymous() async throws {
        try await withProviders { app, sink in
            let event = #"{"object":"page","entry":[{"id":"PAGE1","time":1796285730000,"messaging":[{"sender":{"id":"6945413542194212"},"recipient":{"id":"PAGE1"},"timestamp":1796285730000,"message":{"mid":"m_1","text":"Kaunter tutup awal."}}]}]}"#
            _ = try await MetaWebhookTests().post(app, event)
            try await OutboxWorker(app: app).runOnce()
            let request = try #require(sink.requests.first)
            #expect(request.path == "/v21.0/me/messages" && request.headers.bearerAuthorization?.token == "page-token")
            let body = try json(request.body)
            #expect((body["recipient"] as? [String: Any])?["id"] as? String == "6945413542194212")
            #expect(body["messaging_type"] as? String == "RESPONSE")
        }
    }

    @Test func anXCaseIsAnsweredByDirectMessage() async throws {
        try await withProviders { app, sink in
            _ = try await XWebhookTests.post(app, XWebhookTests.directMessage(id: "1001", text: "Laman web tidak dapat dibuka."))
            try await OutboxWorker(app: app).runOnce()
            let request = try #require(sink.requests.first)
            #expect(request.path == "/2/dm_conversations/with/3805104374/messages" && request.headers.bearerAuthorization?.token == "x-token")
            #expect((try json(request.body)["text"] as? String)?.contains("ADU-") == true)
        }
    }

    @Test func aProviderThatRefusesMarksTheReplyFailedAndOneThatIsBusyTriesAgain() async throws {
        try await withProviders { app, sink in
            // given a provider refusing with 400 (a bad number)
            sink.answer(with: .badRequest)
            _ = try await TwilioSender(app: app).deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
            try await OutboxWorker(app: app).runOnce()
            #expect(try await OutboxMessage.query(on: app.db).first()?.state == .failed)
            // when it is busy (429) for the next one
            sink.answer(with: .tooManyRequests)
            try await officerReplies(app, "Kami sedang menyemak.")
            try await OutboxWorker(app: app).runOnce()
            // then that one waits for another try
            let waiting = try #require(try await OutboxMessage.query(on: app.db).filter(\.$state == .pending).first())
            #expect(waiting.attempts == 1 && waiting.lastError?.contains("429") == true)
        }
    }

    @Test func aMissingCredentialLeavesTheReplyWaitingAsNotConfigured() async throws {
        try await withProviderSink { sink in
            try await withLayan(adjust: { $0.twilioAuthToken = TwilioSender.authToken }) { app in
                _ = try await CaseFixture.make(app)
                _ = try await TwilioSender(app: app).deliver(TwilioSender.sms("SM001", "Lampu jalan padam."))
                try await OutboxWorker(app: app).runOnce()
                let message = try #require(try await OutboxMessage.query(on: app.db).first())
                #expect(message.state == .pending && message.problemKey == "outbox.problem.notConfigured")
                #expect(sink.requests.isEmpty)
            }
        }
    }
}
