import Fluent
import Foundation
import LayanCore
import LayanStorage

/// A run of printed complaint/feedback forms for one branch (PKPA 1/2008 §4d(3)): serials `first…first+count-1`.
final class PaperFormBatch: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "paper_form_batches"

    enum Size: String, Codable, Sendable, CaseIterable { case a4, a5 }

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "first_number") var firstNumber: Int
    @Field(key: "count") var count: Int
    @Field(key: "size") var size: Size
    @Field(key: "printed_at") var printedAt: Date
    @OptionalField(key: "printed_by") var printedBy: String?

    init() {}

    init(branchID: UUID, firstNumber: Int, count: Int, size: Size, at: Date, by: String?) {
        id = .timeOrdered(at: at)
        $branch.id = branchID
        (self.firstNumber, self.count, self.size, printedAt, printedBy) = (firstNumber, count, size, at, by)
    }

    var numbers: Range<Int> { firstNumber..<(firstNumber + count) }
}

/// A paper form that became a case: typed in from the counter or the feedback box, or filed online through its QR
/// code. Keyed by serial, so no form is entered twice.
final class PaperFormEntry: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "paper_forms"

    @ID(custom: "serial", generatedBy: .user) var id: String?
    @Parent(key: "case_id") var caseRecord: CaseRecord
    @Field(key: "channel") var channel: CaseChannel
    /// The day the form was dropped in the box or handed in, as the officer read it (`YYYY-MM-DD`).
    @OptionalField(key: "dropped_on") var droppedOn: String?
    @Field(key: "entered_at") var enteredAt: Date
    @OptionalField(key: "entered_by") var enteredBy: String?

    init() {}
}

extension PaperFormEntry {
    struct New: Sendable {
        let serial: String
        let caseID: UUID
        let channel: CaseChannel
        let droppedOn: String?
        let at: Date
        let by: String?
    }

    /// The form's row and its line on the one intake log, written with the case it becomes (`NewCase.channelRows`).
    static func rows(serial: PaperFormSerial, channel: CaseChannel, droppedOn: LocalDate?, text: String, at: Date, by: String?)
        -> @Sendable (_ caseID: UUID, _ rows: inout InsertBatch) -> Void {
        { caseID, rows in
            rows.add(New(serial: serial.description, caseID: caseID, channel: channel, droppedOn: droppedOn?.iso, at: at, by: by), as: shape)
            rows.add(IntakeEntry.New(at: at, channel: channel, provider: intakeProvider, providerMessageID: serial.description, sender: by,
                                     summary: String(text.prefix(120)), outcome: .filed, caseID: caseID), as: IntakeEntry.shape)
        }
    }

    /// Paper forms on the intake log: the serial is the form's message id there.
    static let intakeProvider = "paper-form"

    static let shape = TableShape<New>(schema, [
        .init("serial") { $0.serial }, .init("case_id") { $0.caseID }, .init("channel") { $0.channel.rawValue },
        .init("dropped_on") { $0.droppedOn }, .init("entered_at") { $0.at }, .init("entered_by") { $0.by },
    ])
}
