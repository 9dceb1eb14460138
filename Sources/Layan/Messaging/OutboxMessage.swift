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

struct CreateOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("case_id", .uuid)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "outbox_due_idx").on(OutboxMessage.schema).column("state").column("next_attempt_at").run()
        try await sql.create(index: "outbox_case_idx").on(OutboxMessage.schema).column("case_id").run()
        try await database.schema("rate_limit_hits")
            .field("bucket", .string, .required)
            .field("client", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await sql.create(index: "rate_limit_hits_idx").on("rate_limit_hits").column("bucket").column("client").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limit_hits").delete()
        try await database.schema(OutboxMessage.schema).delete()
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
