import Fluent
import Foundation
import LayanCore

/// Something a caller is owed: a message left for an absent officer (PKPA 1/2008, telephone rule 8), or a call-back
/// to a caller the queue did not answer. Open until someone marks it called back, with the outcome.
final class PhoneMessage: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "phone_messages"

    enum Kind: String, Codable, Sendable, CaseIterable {
        /// Left for an officer who was out.
        case message
        /// A caller who hung up or timed out in the queue: the operators call back.
        case callBack = "call_back"
        var catalogueKey: String { "phone.kind.\(rawValue)" }
    }
    enum Urgency: String, Codable, Sendable, CaseIterable {
        case normal, urgent
        var catalogueKey: String { "phone.urgency.\(rawValue)" }
    }
    enum Outcome: String, Codable, Sendable, CaseIterable {
        /// Spoke to the caller.
        case reached
        /// Called, no answer; a message was left or nobody picked up.
        case noAnswer = "no_answer"
        /// The caller called again and was answered (closed by the import).
        case calledAgain = "called_again"
        /// A wrong or unreachable number.
        case unreachable
        var catalogueKey: String { "phone.outcome.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: Kind
    @OptionalParent(key: "staff_id") var staff: Staff?
    @OptionalField(key: "caller_name") var callerName: String?
    @Field(key: "caller_number") var callerNumber: String
    @Field(key: "body") var body: String
    @Field(key: "urgency") var urgency: Urgency
    @OptionalField(key: "best_time") var bestTime: String?
    @OptionalParent(key: "taken_by") var takenBy: Staff?
    @Field(key: "taken_at") var takenAt: Date
    @Field(key: "due_at") var dueAt: Date
    @OptionalField(key: "called_back_at") var calledBackAt: Date?
    @OptionalParent(key: "called_back_by") var calledBackBy: Staff?
    @OptionalField(key: "outcome") var outcome: Outcome?
    @OptionalField(key: "outcome_note") var outcomeNote: String?
    /// Whether it was returned within the agency's standard (the charter counts these).
    @OptionalField(key: "returned_in_time") var returnedInTime: Bool?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?
    @OptionalField(key: "call_key") var callKey: String?
    @OptionalField(key: "queue") var queue: String?

    init() {}

    var isOpen: Bool { calledBackAt == nil }
}
