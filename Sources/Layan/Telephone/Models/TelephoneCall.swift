import Fluent
import Foundation
import LayanCore
import LayanStorage

/// One caller's stay in one PBX queue (`PBXCall`), as stored: from the PBX's `queue_log`, its live feed, another
/// PBX through `recordCall`, or the operator's own log when no PBX is connected.
final class TelephoneCall: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "telephone_calls"

    enum Source: String, Codable, Sendable { case queueLog = "queue_log", live, api, console }

    @ID(key: .id) var id: UUID?
    @Field(key: "call_key") var callKey: String
    @Field(key: "call_id") var callID: String
    @Field(key: "queue") var queue: String
    @OptionalField(key: "caller") var caller: String?
    @Field(key: "entered_at") var enteredAt: Date
    @Field(key: "entered_epoch") var enteredEpoch: Int
    @Field(key: "local_day") var localDay: String
    @Field(key: "local_hour") var localHour: Int
    @Field(key: "outcome") var outcome: PBXCall.Outcome
    @Field(key: "answered") var answered: Bool
    @Field(key: "abandoned") var abandoned: Bool
    @Field(key: "wait_seconds") var waitSeconds: Int
    @Field(key: "talk_seconds") var talkSeconds: Int
    @Field(key: "ring_no_answer") var ringNoAnswer: Int
    @OptionalField(key: "agent") var agent: String?
    @OptionalParent(key: "staff_id") var staff: Staff?
    @OptionalField(key: "transfer_kind") var transferKind: PBXCall.TransferKind?
    @OptionalField(key: "transfer_target") var transferTarget: String?
    @Field(key: "returned") var returned: Bool
    @Field(key: "source") var source: Source
    @OptionalField(key: "note") var note: String?
    @OptionalParent(key: "case_id") var caseRecord: CaseRecord?

    init() {}

    var call: PBXCall {
        PBXCall(callID: callID, queue: queue, caller: caller, enteredAt: enteredEpoch, outcome: outcome, waitSeconds: waitSeconds,
                talkSeconds: talkSeconds, ringNoAnswer: ringNoAnswer, agent: agent, transferKind: transferKind,
                transferTarget: transferTarget, returnedAfterTransfer: returned)
    }
}

extension TelephoneCall {
    /// A call to be stored, with the officer its agent maps to.
    struct New: Sendable {
        let call: PBXCall
        let staffID: UUID?
        let source: Source
        var note: String?
        var caseID: UUID?
    }

    static let shape = TableShape<New>(schema, [
        .init("id") { UUID.timeOrdered(at: Date(timeIntervalSince1970: Double($0.call.enteredAt))) },
        .init("call_key") { $0.call.key }, .init("call_id") { $0.call.callID }, .init("queue") { $0.call.queue },
        .init("caller") { $0.call.caller }, .init("entered_at") { Date(timeIntervalSince1970: Double($0.call.enteredAt)) },
        .init("entered_epoch") { $0.call.enteredAt },
        .init("local_day") { MalaysianTime.localDay(epoch: $0.call.enteredAt) }, .init("local_hour") { MalaysianTime.localHour(epoch: $0.call.enteredAt) },
        .init("outcome") { $0.call.outcome.rawValue }, .init("answered") { $0.call.outcome.wasAnswered },
        .init("abandoned") { $0.call.outcome.countsAsAbandoned }, .init("wait_seconds") { $0.call.waitSeconds },
        .init("talk_seconds") { $0.call.talkSeconds }, .init("ring_no_answer") { $0.call.ringNoAnswer }, .init("agent") { $0.call.agent },
        .init("staff_id") { $0.staffID }, .init("transfer_kind") { $0.call.transferKind?.rawValue }, .init("transfer_target") { $0.call.transferTarget },
        .init("returned") { $0.call.returnedAfterTransfer }, .init("source") { $0.source.rawValue }, .init("note") { $0.note },
        .init("case_id") { $0.caseID },
    ])
}
