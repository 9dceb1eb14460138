import Foundation
import LayanCore
import Vapor

/// X's Account Activity webhook for direct messages to the agency's account (issue #17, item 3). X checks the
/// webhook with a CRC — `GET ?crc_token=…` answered `{"response_token": "sha256=" + Base64(HMAC-SHA256(consumer secret,
/// crc_token))}` — and signs every POST the same way over the raw body in `x-twitter-webhooks-signature`.
struct XWebhookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let x = routes.access(.integration("x-twitter-webhooks-signature"))
        x.get(.channels(.xWebhook), use: crc)
        x.on(.POST, SiteURL.channels(.xWebhook).pattern, body: .collect(maxSize: "256kb"), use: receive)
    }

    struct CRCAnswer: Content { let response_token: String }

    func crc(req: Request) async throws -> Response {
        guard let secret = req.application.settings.xConsumerSecret else { return try await refuse(req, "LAYAN_X_CONSUMER_SECRET is not set") }
        guard let token = req.query[String.self, at: "crc_token"], !token.isEmpty, token.count <= 200 else {
            return try await refuse(req, "crc_token is required", status: .badRequest)
        }
        return try await CRCAnswer(response_token: WebhookSignature.x(consumerSecret: secret, bytes: Array(token.utf8))).encodeResponse(for: req)
    }

    func receive(req: Request) async throws -> Response {
        let body = req.body.data.map { Array($0.readableBytesView) } ?? []
        guard let secret = req.application.settings.xConsumerSecret else { return try await refuse(req, "LAYAN_X_CONSUMER_SECRET is not set") }
        guard let given = req.headers.first(name: "x-twitter-webhooks-signature"),
              WebhookSignature.matches(given, WebhookSignature.x(consumerSecret: secret, bytes: body)) else {
            return try await refuse(req, "x-twitter-webhooks-signature is missing or does not match")
        }
        guard let payload = try? JSONDecoder().decode(XActivity.self, from: Data(body)) else {
            return try await refuse(req, "The body is not an Account Activity event", status: .badRequest)
        }
        let intake = MessageIntake(db: req.db, app: req.application)
        for message in payload.messages { _ = try await intake.take(message) }
        return Response(status: .ok)
    }

    private func refuse(_ req: Request, _ reason: String, status: HTTPStatus = .forbidden) async throws -> Response {
        try await req.refuseDelivery(channel: .x, provider: "x", reason, status: status)
    }
}

/// The part of an Account Activity event Layan reads: `direct_message_events[]` of type `message_create`, with
/// `users` for the sender's name. Our own messages (sender = `for_user_id`) and other events are skipped.
struct XActivity: Decodable {
    struct Event: Decodable {
        struct Create: Decodable {
            struct Target: Decodable { var recipient_id: String? }
            struct MessageData: Decodable { var text: String? }
            var target: Target?
            var sender_id: String
            var message_data: MessageData?
        }
        var type: String
        var id: String
        var message_create: Create?
    }
    struct User: Decodable { var name: String?; var screen_name: String? }

    var for_user_id: String?
    var direct_message_events: [Event]?
    var users: [String: User]?

    var messages: [InboundMessage] {
        (direct_message_events ?? []).compactMap { event in
            guard event.type == "message_create", let create = event.message_create, create.sender_id != for_user_id,
                  event.id.count <= 64, create.sender_id.count <= 32, create.sender_id.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let user = users?[create.sender_id]
            return InboundMessage(channel: .x, provider: "x", providerMessageID: event.id, sender: create.sender_id,
                                  senderName: user?.name ?? user?.screen_name.map { "@" + $0 }, text: create.message_data?.text ?? "",
                                  replyRoute: ReplyRoute(channel: .x, recipient: create.sender_id, sender: for_user_id ?? create.target?.recipient_id))
        }
    }
}
