import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A message that came by e-mail but could not become a case, kept whole (issue #17, item 2): staff read it on the
/// intake page, try it again once the cause is fixed, file it by hand, or set it aside with a note.
final class FailedMail: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "failed_mail"

    enum State: String, Codable, Sendable, CaseIterable {
        case waiting
        /// Taken on a later try: it filed or continued a case.
        case taken
        /// An officer filed it as a case by hand.
        case filedByHand = "filed_by_hand"
        /// Set aside with a note (spam, a test).
        case dismissed
        var catalogueKey: String { "failedMail.state.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "received_at") var receivedAt: Date
    /// The message as it arrived, byte for byte.
    @Field(key: "raw") var raw: Data
    @Field(key: "reason") var reason: String
    /// What could be read of it, to list it by.
    @OptionalField(key: "sender") var sender: String?
    @OptionalField(key: "subject") var subject: String?
    @Field(key: "state") var state: State
    @OptionalParent(key: "case_id") var caseRecord: CaseRecord?
    @OptionalField(key: "handled_by") var handledBy: String?
    @OptionalField(key: "handled_at") var handledAt: Date?
    @OptionalField(key: "note") var note: String?

    init() {}

    init(raw: [UInt8], reason: String, sender: String?, subject: String?, at: Date) {
        id = .timeOrdered(at: at)
        receivedAt = at
        self.raw = Data(raw)
        self.reason = String(reason.prefix(500))
        self.sender = sender.map { String($0.prefix(254)) }
        self.subject = subject.map { String($0.prefix(200)) }
        state = .waiting
    }
}
