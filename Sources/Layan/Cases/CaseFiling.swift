import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A new case checked and placed (due dates, duty officer): what `CaseEngine.file` writes once the number is known.
struct CaseFiling: Sendable {
    let new: NewCase
    let actor: CaseActor
    let branchID: UUID
    let branchState: MalaysianState
    /// The duty officer, chosen last: on PostgreSQL together with the cases filed beside it.
    var assignee: UUID?
    let standard: ServiceStandard
    let acknowledgeDue: LocalDate
    let resolveDue: LocalDate
    let now: Date
    let today: LocalDate
    let notifier: CaseNotifier

    var series: ReferenceSeries { .init(type: new.type, year: today.year) }
    var attachmentBytes: Int { new.attachments.reduce(0) { $0 + $1.bytes.count } }

    /// The case, its first timeline entries, its files and the acknowledgement to the customer, as rows.
    func rows(number: Int) -> (FiledCase, InsertBatch) {
        let filed = FiledCase(self, number: number)
        var rows = InsertBatch()
        rows.add(filed, as: FiledCase.shape)
        new.channelRows?(filed.id, &rows)
        if let conversation = new.conversation { rows.add(ReplyRoute.Row(caseID: filed.id, route: conversation), as: ReplyRoute.shape) }
        rows.add(CaseEvent.New(caseID: filed.id, at: now, kind: .received, isPublic: true, actorID: actor.staffID, actorName: actor.name, to: .new),
                 as: CaseEvent.shape)
        if let assignee {
            rows.add(CaseEvent.New(caseID: filed.id, at: now, kind: .assigned, isPublic: false, actorID: nil, actorName: "", body: assignee.uuidString),
                     as: CaseEvent.shape)
        }
        for attachment in new.attachments {
            Self.addAttachment(attachment, to: filed.id, isPublic: true, at: now, to: &rows)
        }
        // PKPA 1/2008: responsive — the acknowledgement with the reference goes out with the case itself.
        if let message = notifier.message(for: filed, about: .received, note: nil, conversation: new.conversation) {
            rows.add(message, as: OutboxMessage.shape)
        }
        return (filed, rows)
    }

    /// A file that passes the attachment policy, as a row; one that does not was refused before and is skipped.
    static func addAttachment(_ attachment: NewAttachment, to caseID: UUID, isPublic: Bool, at: Date, to rows: inout InsertBatch) {
        guard case let .success(kind) = CaseEngine.attachmentPolicy.check(attachment.bytes) else { return }
        rows.add(CaseAttachment.New(caseID: caseID, fileName: AttachmentPolicy.safeName(attachment.fileName), kind: kind, bytes: attachment.bytes,
                                    isPublic: isPublic, at: at), as: CaseAttachment.shape)
    }
}
