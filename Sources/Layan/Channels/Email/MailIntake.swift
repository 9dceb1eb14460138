import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Takes one raw e-mail, from the API or from `layan mail intake` (issue #17, item 2). A reply to one of our messages
/// continues its case; machine mail (auto-replies, bounces, lists) is logged and never answered, so mail never loops;
/// anything else files a complaint. A message that cannot be read is kept whole for staff, never lost and never a 5xx.
/// Every arrival has its line on the intake log, written in the same unit as what it caused.
struct MailIntake {
    let db: any Database
    let app: Application

    static let provider = "email"

    enum Outcome: Equatable, Sendable {
        case filed(String), continued(String), duplicate, ignored(String), failed(reason: String, id: UUID)

        var code: String {
            switch self {
            case .filed: "filed"
            case .continued: "continued"
            case .duplicate: "duplicate"
            case .ignored: "ignored"
            case .failed: "failed"
            }
        }
    }

    func take(_ raw: [UInt8]) async throws -> Outcome {
        let mail: InboundMail
        do {
            mail = try InboundMail.parse(raw)
        } catch {
            return try await keep(raw, reason: error.description, sender: nil, subject: nil)
        }
        let deliveryID = InboundMail.deliveryID(messageID: mail.messageID, raw: raw)
        let sender = EmailAddress.normalised(mail.replyTo.address) ?? EmailAddress.normalised(mail.from.address)
        let summary = mail.subject.isEmpty ? String(mail.text.prefix(120)) : mail.subject
        func entry(_ outcome: IntakeEntry.Outcome, reason: String? = nil) -> IntakeEntry.New {
            .init(at: app.clock.now(), channel: .email, provider: Self.provider, providerMessageID: deliveryID,
                  sender: sender ?? mail.from.address, summary: summary, outcome: outcome, reason: reason)
        }
        if try await alreadyTaken(deliveryID) { return try await duplicate(entry(.duplicate, reason: "repeat of \(deliveryID)")) }
        // PKPA answers every customer, but never a machine: an answer to an auto-reply or a bounce is how mail loops start.
        let ownAddress = app.settings.messaging.mailFrom.lowercased()
        let fromUs = mail.from.address.lowercased() == ownAddress || mail.replyTo.address.lowercased() == ownAddress
        if let reason = mail.automatic ?? (fromUs ? "sent from our own address" : nil) {
            return try await logged(entry(.ignored, reason: reason)) { .ignored(reason) }
        }
        guard let sender else {
            return try await keep(raw, reason: "The sender's address is not a valid e-mail address: \(mail.from.address.prefix(100))", sender: mail.from.address,
                                  subject: mail.subject)
        }
        let limitKey = "\(Self.provider):\(sender)", now = app.clock.now()
        guard try await RateLimit.channelSender.isWithin(limitKey, at: now, on: db) else {
            // Kept whole like an unreadable message: a person caught in a loop loses nothing, and staff see the flood.
            return try await keep(raw, reason: "Rate limited: over \(RateLimit.channelSender.limit) messages from this sender in 10 minutes",
                                  sender: sender, subject: mail.subject)
        }
        let (files, fileNotes) = acceptedFiles(mail.files)
        do {
            if let open = try await repliedCase(mail, sender: sender) {
                let text = Self.joined(QuotedReply.newText(mail.text), fileNotes)
                var rows = InsertBatch()
                var continued = entry(.continued)
                continued.caseID = open.id
                rows.add(continued, as: IntakeEntry.shape)
                // The sender's hit is written with what the message caused: one commit, not two.
                RateLimit.channelSender.hit(limitKey, at: now, into: &rows)
                do {
                    _ = try await CaseEngine(db: db, app: app).addMessage(open.id, body: text.isEmpty ? "(—)" : String(text.prefix(5000)), isPublic: true,
                                                                          attachments: files, by: .customer, channelRows: rows)
                    return .continued(open.reference)
                } catch CaseError.notAllowed {
                    // The case is closed: the customer's new words start a new one.
                }
            }
            let branchID = try await ChannelBranch.id(app, on: db)
            var details = Self.joined(mail.text, fileNotes)
            if details.isEmpty { details = mail.subject.isEmpty ? "(—)" : mail.subject }
            let subject = mail.subject.isEmpty ? String(details.prefix(80)) : mail.subject
            let language = mail.headers.raw("Content-Language").flatMap { Language(tag: $0) } ?? .ms
            var new = NewCase(type: .complaint, channel: .email, subject: String(subject.prefix(200)), details: String(details.prefix(5000)),
                              name: mail.replyTo.name ?? mail.from.name ?? sender, email: sender, language: language, contactBy: .email,
                              branchID: branchID)
            new.attachments = files
            let filed = entry(.filed)
            new.channelRows = { caseID, rows in
                rows.add(filed.forCase(caseID), as: IntakeEntry.shape)
                RateLimit.channelSender.hit(limitKey, at: now, into: &rows)
            }
            let record = try await CaseEngine(db: db, app: app).file(new, by: .system)
            return .filed(record.reference)
        } catch let invalid as CaseInvalid {
            // Counted like any message from the sender, so a flood of unreadable ones is limited too.
            try await RateLimit.channelSender.record(limitKey, at: now, on: db)
            let problems = invalid.problems.sorted { $0.key < $1.key }.map { "\($0.key): \(app.catalogue.text($0.value, .en))" }.joined(separator: "; ")
            return try await keep(raw, reason: "The case could not be filed: \(problems)", sender: sender, subject: mail.subject)
        } catch {
            // Two deliveries of one message at once: the log's unique key let one in; the other is a duplicate.
            if try await alreadyTaken(deliveryID) { return try await duplicate(entry(.duplicate, reason: "repeat of \(deliveryID)")) }
            throw error
        }
    }

    /// The case a reply belongs to: a message id we sent in `In-Reply-To`/`References` (our notifications' Message-ID
    /// names the outbox row, which names the case), else the reference in the subject — but only from the case's own
    /// customer, so no one can write into another person's case by typing its reference.
    private func repliedCase(_ mail: InboundMail, sender: String) async throws -> (id: UUID, reference: String)? {
        let outboxIDs = mail.answers.compactMap(OutboxMessage.outboxID(mailMessageID:))
        if !outboxIDs.isEmpty, let message = try await OutboxMessage.query(on: db).filter(\.$id ~~ outboxIDs).filter(\.$caseID != nil).first(),
           let caseID = message.caseID, let record = try await CaseRecord.find(caseID, on: db) {
            return (caseID, record.reference)
        }
        guard let reference = InboundMail.caseReference(inSubject: mail.subject),
              let record = try await CaseRecord.query(on: db).filter(\.$reference == reference.description).first(),
              record.customerEmail.flatMap(EmailAddress.normalised) == sender else { return nil }
        return (try record.requireID(), record.reference)
    }

    /// The files the attachment policy allows (PDF, JPEG, PNG, by their bytes; five at most); a line for each other.
    private func acceptedFiles(_ files: [InboundMail.File]) -> ([NewAttachment], [String]) {
        var accepted: [NewAttachment] = []
        var notes: [String] = []
        let catalogue = app.catalogue
        for file in files {
            let name = AttachmentPolicy.safeName(file.name.isEmpty ? file.contentType : file.name)
            var problem: AttachmentPolicy.Problem?
            if case let .failure(found) = CaseEngine.attachmentPolicy.check(file.bytes) { problem = found }
            if problem == nil && accepted.count >= CaseEngine.attachmentPolicy.maximumFiles { problem = .tooMany }
            if let problem {
                notes.append(catalogue.text("mailIntake.fileRefused", .ms, ["name": name, "reason": catalogue.text(problem.catalogueKey, .ms)])
                             + " / " + catalogue.text("mailIntake.fileRefused", .en, ["name": name, "reason": catalogue.text(problem.catalogueKey, .en)]))
            } else {
                accepted.append(NewAttachment(fileName: name, bytes: file.bytes))
            }
        }
        return (accepted, notes)
    }

    private static func joined(_ text: String, _ notes: [String]) -> String {
        ([text] + notes).filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Keeps the message whole for staff, with the reason, and logs its arrival.
    private func keep(_ raw: [UInt8], reason: String, sender: String?, subject: String?) async throws -> Outcome {
        let now = app.clock.now()
        let failed = FailedMail(raw: raw, reason: reason, sender: sender, subject: subject, at: now)
        try await db.writeTransaction { db in
            try await failed.create(on: db)
            try await db.sql.insert(IntakeEntry.New(at: now, channel: .email, provider: Self.provider, sender: sender, summary: subject ?? "",
                                                    outcome: .failed, reason: reason), as: IntakeEntry.shape)
        }
        return .failed(reason: reason, id: try failed.requireID())
    }

    private func alreadyTaken(_ deliveryID: String) async throws -> Bool {
        try await IntakeEntry.isTaken(provider: Self.provider, messageID: deliveryID, on: db)
    }

    private func duplicate(_ entry: IntakeEntry.New) async throws -> Outcome {
        var entry = entry
        entry.providerMessageID = nil
        try await IntakeEntry.record(entry, on: db)
        return .duplicate
    }

    private func logged(_ entry: IntakeEntry.New, _ outcome: () -> Outcome) async throws -> Outcome {
        do {
            try await IntakeEntry.record(entry, on: db)
        } catch {
            if try await alreadyTaken(entry.providerMessageID ?? "") { return try await duplicate(entry) }
            throw error
        }
        return outcome()
    }
}
