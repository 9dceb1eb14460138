import Foundation
import LayanCore
import Vapor

/// Meta's webhook for the WhatsApp Cloud API and Messenger (issue #17, item 3): the GET handshake
/// (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge` echoed) and POSTs signed with `X-Hub-Signature-256`
/// over the raw body bytes — verified before the JSON is even read, never over re-serialised JSON.
struct MetaWebhookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let meta = routes.access(.integration("X-Hub-Signature-256"))
        meta.get(.channels(.metaWebhook), use: handshake)
        meta.on(.POST, SiteURL.channels(.metaWebhook).pattern, body: .collect(maxSize: "256kb"), use: receive)
    }

    /// Meta's subscription check: answer the challenge only to the verify token we were given.
    func handshake(req: Request) async throws -> Response {
        let mode = req.query[String.self, at: "hub.mode"], token = req.query[String.self, at: "hub.verify_token"]
        guard mode == "subscribe", let expected = req.application.settings.metaVerifyToken, let token, WebhookSignature.matches(token, expected),
              let challenge = req.query[String.self, at: "hub.challenge"], challenge.count <= 200 else {
            return Response(status: .forbidden, body: .init(string: "verify_token does not match"))
        }
        return Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .init(string: challenge))
    }

    func receive(req: Request) async throws -> Response {
        let body = req.body.data.map { Array($0.readableBytesView) } ?? []
        guard let secret = req.application.settings.metaAppSecret else { return try await refuse(req, "LAYAN_META_APP_SECRET is not set") }
        guard let given = req.headers.first(name: "X-Hub-Signature-256"),
              WebhookSignature.matches(given, WebhookSignature.meta(appSecret: secret, body: body)) else {
            return try await refuse(req, "X-Hub-Signature-256 is missing or does not match")
        }
        guard let payload = try? JSONDecoder().decode(MetaPayload.self, from: Data(body)) else {
            return try await refuse(req, "The body is not a webhook Layan reads", status: .badRequest)
        }
        let intake = MessageIntake(db: req.db, app: req.application)
        for message in payload.messages { _ = try await intake.take(message) }
        return Response(status: .ok, body: .init(string: "EVENT_RECEIVED"))
    }

    private func refuse(_ req: Request, _ reason: String, status: HTTPStatus = .forbidden) async throws -> Response {
        try await req.refuseDelivery(channel: .whatsapp, provider: "meta", reason, status: status)
    }
}

/// The parts of Meta's webhook bodies Layan reads: WhatsApp's `entry[].changes[].value.messages[]` (with
/// `contacts[]` for names) and Messenger's `entry[].messaging[]`. Status updates and other fields are skipped.
struct MetaPayload: Decodable {
    struct Entry: Decodable {
        var changes: [Change]?
        var messaging: [MessengerEvent]?
    }
    struct Change: Decodable { var field: String?; var value: WhatsAppValue? }
    struct WhatsAppValue: Decodable {
        struct Contact: Decodable { struct Profile: Decodable { var name: String? }; var profile: Profile?; var wa_id: String? }
        struct Message: Decodable {
            struct Text: Decodable { var body: String? }
            struct Media: Decodable { var id: String?; var caption: String? }
            var from: String; var id: String; var type: String?; var text: Text?; var image: Media?; var document: Media?
        }
        struct Metadata: Decodable { var phone_number_id: String? }
        var metadata: Metadata?
        var contacts: [Contact]?
        var messages: [Message]?
    }
    struct MessengerEvent: Decodable {
        struct Party: Decodable { var id: String }
        struct Message: Decodable { var mid: String; var text: String?; var is_echo: Bool? }
        var sender: Party
        var recipient: Party?
        var message: Message?
    }

    var object: String
    var entry: [Entry]

    var messages: [InboundMessage] {
        var found: [InboundMessage] = []
        for entry in entry {
            for change in entry.changes ?? [] where change.field == nil || change.field == "messages" {
                let names = Dictionary((change.value?.contacts ?? []).compactMap { c in c.wa_id.map { ($0, c.profile?.name) } }, uniquingKeysWith: { a, _ in a })
                for message in change.value?.messages ?? [] where message.from.count <= 32 && message.id.count <= 200 {
                    let media = [message.image, message.document].compactMap { $0 }
                    let text = message.text?.body ?? media.compactMap(\.caption).first ?? "(\(message.type ?? "message"))"
                    // A WhatsApp id is the number in international form without the plus.
                    found.append(InboundMessage(channel: .whatsapp, provider: "meta-whatsapp", providerMessageID: message.id, sender: "+" + message.from,
                                                senderName: names[message.from] ?? nil, text: text,
                                                mediaURLs: media.compactMap(\.id).map { "whatsapp-media:\($0)" },
                                                replyRoute: ReplyRoute(channel: .whatsappCloud, recipient: message.from, sender: change.value?.metadata?.phone_number_id)))
                }
            }
            // Our own replies come back as echoes: not the customer's.
            for event in entry.messaging ?? [] where object == "page" {
                guard let message = event.message, message.is_echo != true, event.sender.id.count <= 64, message.mid.count <= 200 else { continue }
                found.append(InboundMessage(channel: .facebook, provider: "meta-messenger", providerMessageID: message.mid, sender: event.sender.id,
                                            text: message.text ?? "(attachment)",
                                            replyRoute: ReplyRoute(channel: .messenger, recipient: event.sender.id, sender: event.recipient?.id)))
            }
        }
        return found
    }
}
