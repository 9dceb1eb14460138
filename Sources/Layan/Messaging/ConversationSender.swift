import Foundation
import LayanCore
import Vapor

/// Sends one reply into a conversation now (the outbox), answering the provider's id for it.
protocol ConversationSender: Sendable {
    func send(_ message: OutboxMessage) async throws -> String?
}

/// A delivery that failed; `permanent` when trying again cannot help (a 4xx, a configuration error).
protocol DeliveryFailure: Error {
    var permanent: Bool { get }
}

/// The providers' own send APIs, as each documents them (docs/channels.md): Twilio's Messages API with Basic
/// credentials, the WhatsApp Cloud API and the Messenger Send API on Meta's Graph API with bearer tokens, X's
/// direct-message endpoint with a user-context bearer token. Over Vapor's client (AsyncHTTPClient).
struct ProviderConversations: ConversationSender {
    let settings: ConversationSettings
    let twilioAuthToken: String?
    let client: any Client

    func send(_ message: OutboxMessage) async throws -> String? {
        switch message.channel {
        case .twilio: try await twilio(message)
        case .whatsappCloud: try await whatsApp(message)
        case .messenger: try await messenger(message)
        case .x: try await x(message)
        case .email, .sms: throw NotConfigured(what: "a conversation channel (\(message.channel.rawValue) is not one)")
        }
    }

    private func twilio(_ message: OutboxMessage) async throws -> String? {
        guard let sid = settings.twilioAccountSID else { throw NotConfigured(what: "LAYAN_TWILIO_ACCOUNT_SID") }
        guard let token = twilioAuthToken else { throw NotConfigured(what: "LAYAN_TWILIO_AUTH_TOKEN") }
        guard let from = message.sender else { throw ProviderFailure(provider: "Twilio", status: nil, detail: "no number to send from", permanent: true) }
        var headers = HTTPHeaders()
        headers.basicAuthorization = BasicAuthorization(username: sid, password: token)
        struct Form: Content { let To: String; let From: String; let Body: String }
        struct Answer: Decodable { let sid: String? }
        let response = try await client.post(URI(string: "\(settings.twilioAPIURL)/2010-04-01/Accounts/\(sid)/Messages.json"), headers: headers) {
            try $0.content.encode(Form(To: message.recipient, From: from, Body: message.body), as: .urlEncodedForm)
        }
        return try answer(response, provider: "Twilio", Answer.self).sid
    }

    private func whatsApp(_ message: OutboxMessage) async throws -> String? {
        guard let token = settings.whatsAppToken else { throw NotConfigured(what: "LAYAN_WHATSAPP_TOKEN") }
        guard let phoneNumberID = message.sender else {
            throw ProviderFailure(provider: "WhatsApp", status: nil, detail: "no phone-number id to send from", permanent: true)
        }
        struct Text: Content { let preview_url: Bool; let body: String }
        struct Send: Content { let messaging_product: String; let recipient_type: String; let to: String; let type: String; let text: Text }
        struct Answer: Decodable { struct Message: Decodable { let id: String? }; let messages: [Message]? }
        let response = try await client.post(URI(string: "\(settings.metaGraphURL)/\(phoneNumberID)/messages"), headers: bearer(token)) {
            try $0.content.encode(Send(messaging_product: "whatsapp", recipient_type: "individual", to: message.recipient, type: "text",
                                       text: Text(preview_url: false, body: message.body)), as: .json)
        }
        return try answer(response, provider: "WhatsApp", Answer.self).messages?.first?.id
    }

    private func messenger(_ message: OutboxMessage) async throws -> String? {
        guard let token = settings.messengerPageToken else { throw NotConfigured(what: "LAYAN_MESSENGER_PAGE_TOKEN") }
        struct Recipient: Content { let id: String }
        struct Text: Content { let text: String }
        struct Send: Content { let recipient: Recipient; let messaging_type: String; let message: Text }
        struct Answer: Decodable { let message_id: String? }
        // RESPONSE: an answer within Messenger's 24-hour window after the customer's last message.
        let response = try await client.post(URI(string: "\(settings.metaGraphURL)/me/messages"), headers: bearer(token)) {
            try $0.content.encode(Send(recipient: .init(id: message.recipient), messaging_type: "RESPONSE", message: .init(text: String(message.body.prefix(2000)))),
                                  as: .json)
        }
        return try answer(response, provider: "Messenger", Answer.self).message_id
    }

    private func x(_ message: OutboxMessage) async throws -> String? {
        guard let token = settings.xAccessToken else { throw NotConfigured(what: "LAYAN_X_ACCESS_TOKEN") }
        guard message.recipient.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ProviderFailure(provider: "X", status: nil, detail: "not an X user id", permanent: true)
        }
        struct Send: Content { let text: String }
        struct Answer: Decodable { struct Event: Decodable { let dm_event_id: String? }; let data: Event? }
        let response = try await client.post(URI(string: "\(settings.xAPIURL)/2/dm_conversations/with/\(message.recipient)/messages"), headers: bearer(token)) {
            try $0.content.encode(Send(text: message.body), as: .json)
        }
        return try answer(response, provider: "X", Answer.self).data?.dm_event_id
    }

    private func bearer(_ token: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        return headers
    }

    /// The provider's answer, or a failure that says whether trying again can help: 4xx cannot (but 408 and 429 can).
    private func answer<T: Decodable>(_ response: ClientResponse, provider: String, _ type: T.Type) throws -> T {
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            let detail = response.body.map { String(decoding: $0.readableBytesView.prefix(300), as: UTF8.self) } ?? ""
            throw ProviderFailure(provider: provider, status: status, detail: detail, permanent: (400..<500).contains(status) && status != 408 && status != 429)
        }
        guard let body = response.body, let decoded = try? JSONDecoder().decode(T.self, from: Data(body.readableBytesView)) else {
            throw ProviderFailure(provider: provider, status: status, detail: "an answer that is not the documented JSON", permanent: false)
        }
        return decoded
    }
}

struct ProviderFailure: DeliveryFailure, CustomStringConvertible {
    let provider: String
    let status: Int?
    let detail: String
    let permanent: Bool
    var description: String { "\(provider) answered \(status.map(String.init) ?? "nothing usable"): \(LogText.escaped(detail))" }
}

extension Application {
    private struct ConversationSenderKey: StorageKey { typealias Value = any ConversationSender }

    /// Chosen in `configure`.
    var conversationSender: any ConversationSender {
        get { storage[ConversationSenderKey.self]! }
        set { storage[ConversationSenderKey.self] = newValue }
    }
}
