import Fluent
import Foundation
import LayanCore
import SQLKit
import Vapor

/// Keeps the customer informed until the case is finished (PKPA 1/2008: responsive): the acknowledgement with
/// the reference, each status change and each public reply, in the customer's language, by e-mail or SMS.
/// Messages go to the outbox inside the caller's transaction.
struct CaseNotifier {
    let app: Application

    enum Occasion { case received, statusChanged, reply }

    func tell(_ record: CaseRecord, about occasion: Occasion, note: String?, on db: any Database) async throws {
        guard let (channel, recipient) = Self.route(record) else { return }
        let catalogue = app.catalogue
        let language = record.language
        let status = catalogue.text(record.status.catalogueKey, language)
        let values = [
            "reference": record.reference,
            "type": catalogue.text(record.type.catalogueKey, language),
            "status": status,
            "due": LocalDate(record.resolveDue).map { MalaysianTime.longDate($0, in: language) } ?? record.resolveDue,
            "acknowledgeDue": LocalDate(record.acknowledgeDue).map { MalaysianTime.longDate($0, in: language) } ?? record.acknowledgeDue,
            "name": record.customerName ?? "",
            "link": app.settings.messaging.publicBaseURL + CaseURL.publicStatus(record),
        ]
        let opening: String = switch occasion {
        case .received: catalogue.text("notify.case.received", language, values)
        case .statusChanged: catalogue.text("notify.case.statusChanged", language, values)
        case .reply: catalogue.text("notify.case.reply", language, values)
        }
        let subject = catalogue.text("notify.case.subject", language, values)
        var lines = [catalogue.text("notify.case.greeting", language, values), "", opening]
        if let note { lines += ["", note] }
        lines += ["", catalogue.text("notify.case.link", language, values), "", catalogue.text("notify.case.signature", language, values)]
        let body = channel == .sms
            ? [opening, note.map { String($0.prefix(200)) }, values["link"]].compactMap { $0 }.joined(separator: " ")
            : lines.joined(separator: "\n")
        try await OutboxMessage(channel: channel, recipient: recipient, subject: subject, body: body, caseID: record.id, at: app.clock.now())
            .insert(on: db as! any SQLDatabase)
    }

    /// How to reach the customer: the channel they chose when we have it, else the other; nobody for anonymous cases.
    static func route(_ record: CaseRecord) -> (OutboxMessage.Channel, String)? {
        switch (record.contactBy, record.customerEmail, record.customerPhone) {
        case let (.sms, _, phone?): (.sms, phone)
        case let (_, email?, _): (.email, email)
        case let (_, nil, phone?): (.sms, phone)
        default: nil
        }
    }
}

enum CaseURL {
    /// The customer's status page through the secret link in the acknowledgement.
    static func publicStatus(_ record: CaseRecord) -> String { "/kes/s/\(record.id!.uuidString)?k=\(record.publicKey)" }
    static func staff(_ record: CaseRecord) -> String { "/cases/\(record.id!.uuidString)" }
    static func staff(_ id: UUID) -> String { "/cases/\(id.uuidString)" }
}
