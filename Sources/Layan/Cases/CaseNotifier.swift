import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Keeps the customer informed until the case is finished (PKPA 1/2008: responsive): the acknowledgement with
/// the reference, each status change and each public reply, in the customer's language, by e-mail or SMS.
/// Messages go to the outbox inside the caller's transaction.
struct CaseNotifier: Sendable {
    let app: Application

    enum Occasion { case received, statusChanged, reply }

    func tell(_ record: CaseRecord, about occasion: Occasion, note: String?, on db: any Database) async throws {
        // A case that came by a conversation is answered in it (issue #17, item 3).
        let conversation = Self.conversationChannels.contains(record.channel) ? try await CaseReplyRoute.find(record.id, on: db)?.route : nil
        guard conversation != nil || Self.route(record) != nil else { return }
        // Issue #20: the resolution carries the survey's link (signed, single-use, expiring).
        let survey = occasion == .statusChanged && record.status == .resolved ? try await CaseSurveys(app: app).link(for: record, on: db) : nil
        guard let message = message(for: record, about: occasion, note: note, conversation: conversation, survey: survey) else { return }
        try await db.sql.insert(message, as: OutboxMessage.shape)
    }

    static let conversationChannels: Set<CaseChannel> = [.sms, .whatsapp, .facebook, .x]

    /// The message for the customer, in their language, as an outbox row: back into the conversation the case came
    /// from, else by the contact they chose; nil when they cannot be reached (anonymous).
    func message(for record: some CustomerNotice, about occasion: Occasion, note: String?, conversation: ReplyRoute? = nil,
                 survey: String? = nil) -> OutboxMessage.New? {
        guard let (channel, recipient) = conversation.map({ ($0.channel, $0.recipient) }) ?? Self.route(record) else { return nil }
        let catalogue = app.catalogue
        let language = record.language
        let status = catalogue.text(record.status.catalogueKey, language)
        let values = [
            "reference": record.reference,
            "type": catalogue.text(record.type.catalogueKey, language),
            "status": status,
            "due": record.resolveDueDate.map { MalaysianTime.longDate($0, in: language) } ?? "",
            "acknowledgeDue": record.acknowledgeDueDate.map { MalaysianTime.longDate($0, in: language) } ?? "",
            "name": record.customerName ?? "",
            "link": app.settings.messaging.publicBaseURL + CaseURL.publicStatus(id: record.caseID, key: record.publicKey),
        ]
        let opening: String = switch occasion {
        case .received: catalogue.text("notify.case.received", language, values)
        case .statusChanged: catalogue.text("notify.case.statusChanged", language, values)
        case .reply: catalogue.text("notify.case.reply", language, values)
        }
        let subject = catalogue.text("notify.case.subject", language, values)
        var lines = [catalogue.text("notify.case.greeting", language, values), "", opening]
        if let note { lines += ["", note] }
        // In a conversation the customer may simply reply with a number (CaseSurveys.answerByReply).
        let surveyLine = survey.map { catalogue.text(conversation == nil ? "notify.case.survey" : "notify.case.surveyReply", language, ["link": $0]) }
        if let surveyLine { lines += ["", surveyLine] }
        lines += ["", catalogue.text("notify.case.link", language, values), "", catalogue.text("notify.case.signature", language, values)]
        let body: String = switch channel {
        case .sms: [opening, note.map { String($0.prefix(200)) }, values["link"], surveyLine].compactMap { $0 }.joined(separator: " ")
        // A conversation: the officer's words in full, under the one line that says which case; the providers' limits
        // are 1,600 characters (Twilio) and 2,000 (Messenger), so the whole message keeps under them.
        case .twilio, .whatsappCloud, .messenger, .x:
            Self.conversationBody([subject, opening, note.map { String($0.prefix(1100)) }, values["link"] ?? "", surveyLine])
        case .email: lines.joined(separator: "\n")
        }
        var message = OutboxMessage.New(channel: channel, recipient: recipient, subject: subject, body: body, caseID: record.caseID, at: app.clock.now())
        message.sender = conversation?.sender
        return message
    }

    static func conversationBody(_ parts: [String?]) -> String {
        String(parts.compactMap { $0 }.joined(separator: "\n\n").prefix(1600))
    }

    /// How to reach the customer: the channel they chose when we have it, else the other; nobody for anonymous cases.
    static func route(_ record: some CustomerNotice) -> (OutboxMessage.Channel, String)? {
        switch (record.contactBy, record.customerEmail, record.customerPhone) {
        case let (.sms, _, phone?): (.sms, phone)
        case let (_, email?, _): (.email, email)
        case let (_, nil, phone?): (.sms, phone)
        default: nil
        }
    }
}

/// What a message to the customer says of their case: a stored case and one being filed (`FiledCase`) both tell it.
protocol CustomerNotice {
    var caseID: UUID { get }
    var reference: String { get }
    var type: CaseType { get }
    var status: CaseStatus { get }
    var language: Language { get }
    var customerName: String? { get }
    var customerEmail: String? { get }
    var customerPhone: String? { get }
    var contactBy: ContactChannel { get }
    var publicKey: String { get }
    var acknowledgeDueDate: LocalDate? { get }
    var resolveDueDate: LocalDate? { get }
}

extension FiledCase: CustomerNotice {
    var caseID: UUID { id }
    var acknowledgeDueDate: LocalDate? { acknowledgeDue }
    var resolveDueDate: LocalDate? { resolveDue }
}

extension CaseRecord: CustomerNotice {
    var caseID: UUID { id! }
    var acknowledgeDueDate: LocalDate? { LocalDate(acknowledgeDue) }
    var resolveDueDate: LocalDate? { LocalDate(resolveDue) }
}

enum CaseURL {
    /// The customer's status page through the secret link in the acknowledgement.
    static func publicStatus(_ record: CaseRecord) -> String { publicStatus(id: record.id!, key: record.publicKey) }
    static func publicStatus(id: UUID, key: String) -> String { SiteURL.cases(.status(id.uuidString)).path(["k": key]) }
    static func staff(_ record: CaseRecord) -> String { staff(record.id!) }
    static func staff(_ id: UUID) -> String { SiteURL.cases(.show(id.uuidString)).path }
}
