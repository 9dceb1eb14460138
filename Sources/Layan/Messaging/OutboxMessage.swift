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

    enum Channel: String, Codable, Sendable { case email, sms }
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
    static let insertColumns = ["id", "channel", "recipient", "subject", "body", "case_id", "state", "attempts", "next_attempt_at",
                                "last_error", "created_at", "sent_at"]

    /// A new message as a row, without a model: pending, to be sent at once (a new case writes one).
    static func row(channel: Channel, recipient: String, subject: String, body: String, caseID: UUID?, at: Date) -> [InsertBatch.Value] {
        [UUID.timeOrdered(at: at), channel.rawValue, recipient, subject, body, caseID, State.pending.rawValue, 0, at, nil, at, nil]
    }
}
