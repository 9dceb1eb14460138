import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// One thing that arrived by an inbound channel, whatever became of it: the case it filed or continued, or why it
/// was refused, ignored or could not be read (issue #17, item 5). Staff read it to see that nothing was dropped.
final class IntakeEntry: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "intake_log"

    enum Outcome: String, Codable, Sendable, CaseIterable {
        /// A new case.
        case filed
        /// A message added to an open case.
        case continued
        /// The same provider message again (providers retry on timeouts): nothing added.
        case duplicate
        /// Refused before anything was read into a case: a wrong key or signature, bad input.
        case refused
        /// Machine mail (an auto-reply, a bounce, a list): logged, never answered, so no mail loops.
        case ignored
        /// Could not be read into a case: kept whole for staff (failed e-mail intake).
        case failed
        var catalogueKey: String { "intake.outcome.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @Field(key: "channel") var channel: CaseChannel
    /// Who delivered it: `open311`, `twilio`, … with the client's name where there is one.
    @Field(key: "provider") var provider: String
    /// The provider's id for the message, which makes a second delivery of it a duplicate.
    @OptionalField(key: "provider_message_id") var providerMessageID: String?
    @OptionalField(key: "sender") var sender: String?
    @Field(key: "summary") var summary: String
    @Field(key: "outcome") var outcome: Outcome
    @OptionalField(key: "reason") var reason: String?
    @OptionalParent(key: "case_id") var caseRecord: CaseRecord?

    init() {}
}

extension IntakeEntry {
    struct New: Sendable {
        var id: UUID
        let at: Date
        let channel: CaseChannel
        let provider: String
        var providerMessageID: String?
        var sender: String?
        let summary: String
        let outcome: Outcome
        var reason: String?
        var caseID: UUID?

        init(at: Date, channel: CaseChannel, provider: String, providerMessageID: String? = nil, sender: String? = nil, summary: String,
             outcome: Outcome, reason: String? = nil, caseID: UUID? = nil) {
            id = .timeOrdered(at: at)
            (self.at, self.channel, self.provider, self.providerMessageID, self.sender) = (at, channel, provider, providerMessageID, sender)
            (self.summary, self.outcome, self.reason, self.caseID) = (String(summary.prefix(300)), outcome, reason.map { String($0.prefix(500)) }, caseID)
        }

        func forCase(_ id: UUID) -> New { var entry = self; entry.caseID = id; return entry }
    }

    static let shape = TableShape<New>(schema, [
        .init("id") { $0.id }, .init("at") { $0.at }, .init("channel") { $0.channel.rawValue }, .init("provider") { $0.provider },
        .init("provider_message_id") { $0.providerMessageID }, .init("sender") { $0.sender }, .init("summary") { $0.summary },
        .init("outcome") { $0.outcome.rawValue }, .init("reason") { $0.reason }, .init("case_id") { $0.caseID },
    ])

    /// Whether a provider's message was already taken: its id is on the log (the unique key that makes repeats duplicates).
    static func isTaken(provider: String, messageID: String, on db: any Database) async throws -> Bool {
        // By hand: asked for every delivery, and the query builder cost more than the look-up.
        try await !db.sql.hotRows("SELECT 1 AS taken FROM \(schema) WHERE provider = ? AND provider_message_id = ? LIMIT 1", [provider, messageID]).isEmpty
    }

    /// Writes an entry on its own: a refusal, where nothing else is written.
    static func record(_ entry: New, on db: any Database) async throws {
        try await db.writeTransaction { db in try await db.sql.insert(entry, as: shape) }
    }
}
