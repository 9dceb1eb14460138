import Fluent
import Foundation
import LayanCore
import LayanStorage
import Vapor

/// Improvement proposals tracked to done (issue #20; PKPA 1/2008 §3 functions 5–6): opened with their evidence, an
/// owner and a due date, reviewed monthly, escalated when overdue, and published as "you said, we did".
struct ProposalDesk {
    let app: Application
    var db: any Database { app.db }

    struct Draft: Sendable {
        var title: String
        var details: String
        var source: ProposalSource
        var evidence: String
        var branchID: UUID?
        var ownerID: UUID
        var due: LocalDate
    }

    enum Failure: Error, Equatable {
        case invalid([String: String])
        case notAllowed(from: ProposalStatus, to: ProposalStatus)
        case noteRequired
        case notDone
        case textMissing
    }

    func open(_ draft: Draft, by staff: StaffIdentity) async throws -> ImprovementProposal {
        var problems: [String: String] = [:]
        let title = draft.title.trimmed, details = draft.details.trimmed
        if title.count < 3 || title.count > 200 { problems["title"] = "proposal.error.title" }
        if details.isEmpty || details.count > 4000 { problems["details"] = "proposal.error.details" }
        if draft.due < LocalDate(app.clock.now()) { problems["due"] = "proposal.error.due" }
        if try await Staff.query(on: db).filter(\.$id == draft.ownerID).filter(\.$active == true).first() == nil { problems["owner"] = "form.error.choose" }
        guard problems.isEmpty else { throw Failure.invalid(problems) }
        let row = ImprovementProposal()
        row.title = title; row.details = details; row.source = draft.source; row.evidence = String(draft.evidence.trimmed.prefix(4000))
        row.branchID = draft.branchID; row.ownerID = draft.ownerID; row.due = draft.due.iso; row.status = .proposed
        row.createdBy = staff.name; row.createdAt = app.clock.now(); row.published = false
        row.saidMS = ""; row.saidEN = ""; row.didMS = ""; row.didEN = ""
        try await row.create(on: db)
        return row
    }

    /// A month's progress, and a change of status when `to` is given (only along `ProposalStatus.next`).
    func review(_ proposal: ImprovementProposal, note: String, to status: ProposalStatus?, by staff: StaffIdentity) async throws {
        let text = note.trimmed
        guard !text.isEmpty else { throw Failure.noteRequired }
        if let status, status != proposal.status {
            guard proposal.status.next.contains(status) else { throw Failure.notAllowed(from: proposal.status, to: status) }
        }
        let now = app.clock.now()
        try await db.writeTransaction { db in
            if let status, status != proposal.status {
                proposal.status = status
                if status == .done { proposal.doneAt = now }
                try await proposal.save(on: db)
            }
            let review = ProposalReview()
            review.proposalID = proposal.id!; review.month = CharterMonth(containing: LocalDate(now)).key
            review.status = status; review.note = String(text.prefix(4000)); review.writtenBy = staff.name; review.writtenAt = now
            try await review.create(on: db)
        }
    }

    /// "You said, we did" in both languages; only a proposal that is done can be published.
    func publish(_ proposal: ImprovementProposal, said: (ms: String, en: String), did: (ms: String, en: String), published: Bool) async throws {
        guard proposal.status == .done else { throw Failure.notDone }
        let texts = [said.ms, said.en, did.ms, did.en].map { String($0.trimmed.prefix(1000)) }
        if published, texts.contains(where: \.isEmpty) { throw Failure.textMissing }
        proposal.saidMS = texts[0]; proposal.saidEN = texts[1]; proposal.didMS = texts[2]; proposal.didEN = texts[3]
        proposal.published = published
        try await proposal.save(on: db)
    }

    /// Overdue proposals escalate once: their owner and the heads of unit are told through the outbox. Returns how many.
    @discardableResult
    func escalateOverdue() async throws -> Int {
        let today = LocalDate(app.clock.now())
        let overdue = try await ImprovementProposal.query(on: db).filter(\.$escalatedAt == nil).filter(\.$due < today.iso).all().filter(\.status.isOpen)
        guard !overdue.isEmpty else { return 0 }
        let staff = try await Staff.query(on: db).filter(\.$active == true).all()
        let heads = staff.filter { $0.roles.contains(.headOfUnit) }
        let catalogue = app.catalogue
        try await db.writeTransaction { db in
            for proposal in overdue {
                let owner = staff.first { $0.id == proposal.ownerID }
                let values = ["title": proposal.title, "due": proposal.due, "owner": owner?.name ?? "",
                              "link": app.settings.messaging.publicBaseURL + SiteURL.satisfaction(.proposal(proposal.id!.uuidString)).path]
                let subject = [Language.ms, .en].map { catalogue.text("proposal.overdue.subject", $0, values) }.joined(separator: " / ")
                let body = [Language.ms, .en].map { catalogue.text("proposal.overdue.body", $0, values) }.joined(separator: "\n\n")
                for recipient in Set(([owner].compactMap { $0 } + heads).map(\.email)).sorted() {
                    try await OutboxMessage(channel: .email, recipient: recipient, subject: subject, body: body, caseID: nil, at: app.clock.now()).create(on: db)
                }
                proposal.escalatedAt = app.clock.now()
                try await proposal.save(on: db)
            }
        }
        return overdue.count
    }
}
