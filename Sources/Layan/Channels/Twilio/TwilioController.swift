import Foundation
import LayanCore
import Vapor

/// Twilio's webhook for messages to the agency's SMS and WhatsApp numbers (issue #17, item 3): form-encoded, signed
/// with `X-Twilio-Signature` over the public URL and the sorted parameters. A forged or unsigned delivery is 403,
/// logged, and nothing else is stored; a genuine one is answered with empty TwiML once it is safely taken.
struct TwilioController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.integration("X-Twilio-Signature")).on(.POST, SiteURL.channels(.twilioMessages).pattern, body: .collect(maxSize: "64kb"),
                                                               use: receive)
    }

    func receive(req: Request) async throws -> Response {
        let text = req.body.data.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? ""
        guard let pairs = FormPairs.parse(text[...]) else { return try await refuse(req, nil, "The form is not percent-encoded UTF-8", status: .badRequest) }
        func value(_ name: String) -> String? { pairs.last { $0.name == name }?.value.nilIfEmpty }
        guard let token = req.application.settings.twilioAuthToken else { return try await refuse(req, pairs, "LAYAN_TWILIO_AUTH_TOKEN is not set") }
        // Signed over the URL Twilio called: the configured public one, since behind a proxy ours differs.
        let url = req.application.settings.messaging.publicBaseURL + req.url.path + (req.url.query.map { "?" + $0 } ?? "")
        let expected = WebhookSignature.twilio(authToken: token, url: url, parameters: pairs)
        guard let given = req.headers.first(name: "X-Twilio-Signature"), WebhookSignature.matches(given, expected) else {
            return try await refuse(req, pairs, "X-Twilio-Signature is missing or does not match")
        }
        guard let sid = value("MessageSid") ?? value("SmsSid"), sid.count <= 64, let from = value("From"), from.count <= 64 else {
            return try await refuse(req, pairs, "MessageSid and From are required", status: .badRequest)
        }
        let whatsapp = from.hasPrefix("whatsapp:")
        let sender = whatsapp ? String(from.dropFirst("whatsapp:".count)) : from
        let media = (0..<min(Int(value("NumMedia") ?? "0") ?? 0, 10)).compactMap { value("MediaUrl\($0)") }
        let message = InboundMessage(channel: whatsapp ? .whatsapp : .sms, provider: "twilio", providerMessageID: sid, sender: sender,
                                     senderName: value("ProfileName"), text: value("Body") ?? "", mediaURLs: media,
                                     // Answered from the number they wrote to, on the same channel (`whatsapp:` kept).
                                     replyRoute: ReplyRoute(channel: .twilio, recipient: from, sender: value("To")))
        _ = try await MessageIntake(db: req.db, app: req.application).take(message)
        return Response(status: .ok, headers: ["Content-Type": "text/xml; charset=utf-8"],
                        body: .init(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"))
    }

    private func refuse(_ req: Request, _ pairs: [(name: String, value: String)]?, _ reason: String, status: HTTPStatus = .forbidden) async throws -> Response {
        let whatsapp = pairs?.last { $0.name == "From" }?.value.hasPrefix("whatsapp:") == true
        return try await req.refuseDelivery(channel: whatsapp ? .whatsapp : .sms, provider: "twilio", reason, status: status)
    }
}
