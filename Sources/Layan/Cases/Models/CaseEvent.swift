import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// One entry of a case's timeline. Internal notes stay with staff; public entries are the customer's to read.
final class CaseEvent: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_events"

    enum Kind: String, Codable, Sendable {
        case received, transition, publicReply = "public_reply", internalNote = "internal_note", customerMessage = "customer_message"
        case assigned, reminder, escalated, recovery
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var caseRecord: CaseRecord
    @Field(key: "at") var at: Date
    @Field(key: "kind") var kind: Kind
    @Field(key: "public") var isPublic: Bool
    @OptionalField(key: "from_status") var fromStatus: CaseStatus?
    @OptionalField(key: "to_status") var toStatus: CaseStatus?
    @OptionalParent(key: "actor_id") var actor: Staff?
    /// Who acted as the timeline shows it: an officer's name, or empty for the customer or the system.
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "body") var body: String?

    init() {}

    init(caseID: UUID, at: Date, kind: Kind, isPublic: Bool, actorID: UUID?, actorName: String, body: String? = nil,
         from: CaseStatus? = nil, to: CaseStatus? = nil) {
        self.$caseRecord.id = caseID
        self.at = at
        self.kind = kind
        self.isPublic = isPublic
        self.$actor.id = actorID
        self.actorName = actorName
        self.body = body
        self.fromStatus = from
        self.toStatus = to
    }
}

extension CaseEvent {
    /// A timeline entry as values, written without a model (a new case writes two).
    struct New: Sendable {
        var id: UUID
        let caseID: UUID
        let at: Date
        let kind: Kind
        let isPublic: Bool
        let actorID: UUID?
        let actorName: String
        var body: String? = nil
        var from: CaseStatus? = nil
        var to: CaseStatus? = nil

        init(caseID: UUID, at: Date, kind: Kind, isPublic: Bool, actorID: UUID?, actorName: String, body: String? = nil,
             from: CaseStatus? = nil, to: CaseStatus? = nil) {
            id = .timeOrdered(at: at)
            (self.caseID, self.at, self.kind, self.isPublic, self.actorID, self.actorName) = (caseID, at, kind, isPublic, actorID, actorName)
            (self.body, self.from, self.to) = (body, from, to)
        }
    }

    /// Where each value of a new entry is stored.
    static let shape = TableShape<New>(schema, [
        .init("id") { $0.id }, .init("case_id") { $0.caseID }, .init("at") { $0.at }, .init("kind") { $0.kind.rawValue },
        .init("public") { $0.isPublic }, .init("from_status") { $0.from?.rawValue }, .init("to_status") { $0.to?.rawValue },
        .init("actor_id") { $0.actorID }, .init("actor_name") { $0.actorName }, .init("body") { $0.body },
    ])
}
