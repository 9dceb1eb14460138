import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// One message to deliver, written in the same transaction as the change that causes it, so a crash
/// loses nothing (design.md: outbox). The worker delivers it with retries and back-off.
final class OutboxMessage: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "outbox"

    enum Channel: String, Codable, Sendable {
        case email, sms
        /// Back into the conversation a case came from (issue #17, item 3): Twilio's Messages API (SMS or WhatsApp),
        /// the WhatsApp Cloud API, the Messenger Send API, X's direct messages.
        case twilio, whatsappCloud = "whatsapp_cloud", messenger, x

        var isConversation: Bool { self != .email && self != .sms }
    }
    enum State: String, Codable, Sendable { case pending, sending, sent, failed }

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: Channel
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    /// The case the message is about, so the case page shows its delivery.
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "state") var state: State
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// Our own address in a conversation: the Twilio number or WhatsApp phone-number id the customer wrote to.
    @OptionalField(key: "sender") var sender: String?
    /// The provider's id for what it accepted (Twilio's `SM…`, WhatsApp's `wamid…`): its status reports name it.
    @OptionalField(key: "provider_message_id") var providerMessageID: String?

    init() {}

    init(channel: Channel, recipient: String, subject: String, body: String, caseID: UUID?, at: Date) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.caseID = caseID
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = at
        self.createdAt = at
    }
}

extension OutboxMessage {
    /// A new message as values, written without a model: pending, to be sent at once (a new case writes one).
    struct New: Sendable {
        let channel: Channel
        let recipient: String
        let subject: String
        let body: String
        let caseID: UUID?
        let at: Date
        var sender: String?
    }

    /// Where each value of a new message is stored.
    static let shape = TableShape<New>(schema, [
        .init("id") { UUID.timeOrdered(at: $0.at) }, .init("channel") { $0.channel.rawValue }, .init("recipient") { $0.recipient },
        .init("subject") { $0.subject }, .init("body") { $0.body }, .init("case_id") { $0.caseID },
        .init("state") { _ in State.pending.rawValue }, .init("attempts") { _ in 0 }, .init("next_attempt_at") { $0.at },
        .null("last_error"), .init("created_at") { $0.at }, .null("sent_at"),
        .init("sender") { $0.sender }, .null("provider_message_id"),
    ])
}

extension OutboxMessage {
    /// The Message-ID of the e-mail sent for this row: it names the row, so a reply's `In-Reply-To` finds the case.
    static func mailMessageID(_ id: UUID) -> String { "\(id.uuidString.lowercased())@\(messageIDDomain)" }

    /// The row a message id of ours names; nil for anyone else's.
    static func outboxID(mailMessageID: String) -> UUID? {
        let parts = mailMessageID.split(separator: "@")
        guard parts.count == 2, parts[1] == messageIDDomain else { return nil }
        return UUID(uuidString: String(parts[0]))
    }

    private static let messageIDDomain = "layan"

    /// What went wrong, in the catalogue's words for the people on the case page: the stored error is for the
    /// administrator's log (a setting's name, an SMTP reply), not for a case officer.
    var problemKey: String? {
        guard let lastError, state != .sent else { return nil }
        return lastError.hasPrefix(NotConfigured.prefix) ? "outbox.problem.notConfigured" : "outbox.problem.notDelivered"
    }
}
