import Fluent
import Foundation
import LayanStorage

/// Where a case's replies go when it came by a conversation (SMS or WhatsApp through Twilio, the WhatsApp Cloud API,
/// Messenger, X): the customer as the provider names them, and our own address they wrote to. Written with the case.
final class CaseReplyRoute: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_reply_routes"

    @ID(custom: "case_id", generatedBy: .user) var id: UUID?
    @Field(key: "channel") var channel: OutboxMessage.Channel
    @Field(key: "recipient") var recipient: String
    @OptionalField(key: "sender") var sender: String?

    init() {}

    var route: ReplyRoute { ReplyRoute(channel: channel, recipient: recipient, sender: sender) }
}

/// A conversation's two ends, as the provider names them.
struct ReplyRoute: Sendable, Equatable {
    let channel: OutboxMessage.Channel
    /// The customer: `+60123456789` or `whatsapp:+60…` (Twilio), a WhatsApp id, a page-scoped id, an X user id.
    let recipient: String
    /// Us: the Twilio number, the WhatsApp phone-number id, the Page id, our X user id.
    let sender: String?

    struct Row: Sendable { let caseID: UUID; let route: ReplyRoute }

    static let shape = TableShape<Row>(CaseReplyRoute.schema, [
        .init("case_id") { $0.caseID }, .init("channel") { $0.route.channel.rawValue }, .init("recipient") { $0.route.recipient },
        .init("sender") { $0.route.sender },
    ])
}
