import Foundation
import Fluent
import LayanCore
import Vapor

/// The case form shared by the public portal and staff entry: its fields as submitted (urlencoded or
/// multipart with files), turned into a `NewCase`, and its choices for the template.
struct CaseFormInput: Content {
    var type: String?
    var category: String?
    var subject: String?
    var details: String?
    var branch: String?
    var division: String?
    var service: String?
    var name: String?
    var email: String?
    var phone: String?
    var idDocument: String?
    var language: String?
    var contactBy: String?
    var anonymous: String?
    var onBehalfOf: String?
    var consentGiven: String?
    var channel: String?
    /// The honeypot: people never see it, robots fill it in.
    var website: String?
    /// The serial of the paper form whose QR code opened the form, so the same form is not entered twice.
    var formSerial: String?
    var attachments: [File]?

    /// The portal's fields in the order the form shows them, with their labels (the error summary's order and names).
    static let publicForm = FormFields(
        ("type", "case.field.type"), ("category", "case.field.category"), ("subject", "case.field.subject"), ("details", "case.field.details"),
        ("branch", "case.field.branch"), ("division", "case.field.division"), ("service", "case.field.service"), ("name", "case.field.name"),
        ("email", "case.field.email"), ("phone", "case.field.phone"), ("idDocument", "case.field.idDocument"),
        ("onBehalfOf", "case.field.onBehalfOf"), ("consentGiven", "case.field.consent"), ("attachments", "case.field.attachments"))
    /// Staff entry adds the channel the case came in by, first.
    static let staffForm = FormFields(("channel", "case.field.channel")).followed(by: publicForm)

    /// What the form shows again after a failed submit (never the files).
    var values: [String: String] {
        var values: [String: String] = [:]
        for (key, value) in [("type", type), ("category", category), ("subject", subject), ("details", details), ("branch", branch),
                             ("division", division), ("service", service), ("name", name), ("email", email), ("phone", phone), ("idDocument", idDocument),
                             ("language", language), ("contactBy", contactBy), ("anonymous", anonymous), ("onBehalfOf", onBehalfOf),
                             ("consentGiven", consentGiven), ("channel", channel), ("formSerial", formSerial)] {
            if let value { values[key] = value.trimmed }
        }
        return values
    }

    static func read(_ req: Request) -> CaseFormInput {
        (try? req.content.decode(CaseFormInput.self)) ?? CaseFormInput()
    }

    /// The new case, or the problems with the form (catalogue keys per field).
    func newCase(defaultChannel: CaseChannel, allowedChannels: [CaseChannel], language: Language, on db: any Database) async throws -> Result<CaseEngine.Checked, CaseInvalid> {
        var problems: [String: String] = [:]
        let type = type.flatMap(CaseType.init(rawValue:))
        if type == nil { problems["type"] = "form.error.choose" }
        var channel = defaultChannel
        if let raw = self.channel, !raw.isEmpty {
            if let parsed = CaseChannel(rawValue: raw), allowedChannels.contains(parsed) { channel = parsed } else { problems["channel"] = "form.error.choose" }
        }
        let branch = try await branch.flatMap(UUID.init(uuidString:)).asyncFlatMap { try await Branch.find($0, on: db) }
        if branch == nil { problems["branch"] = "form.error.choose" }
        var divisionID: UUID?
        if let raw = division, !raw.isEmpty {
            divisionID = UUID(uuidString: raw)
            if divisionID == nil { problems["division"] = "form.error.choose" }
        }
        var categoryID: UUID?
        if let raw = category, !raw.isEmpty {
            categoryID = UUID(uuidString: raw)
            if categoryID == nil { problems["category"] = "form.error.choose" }
        }
        let files = NewAttachment.from(attachments)
        guard problems.isEmpty, let type, let branch else { return .failure(CaseInvalid(problems: problems)) }
        let anonymous = self.anonymous == "on" || self.anonymous == "true"
        var new = NewCase(type: type, channel: channel, categoryID: categoryID, subject: subject?.trimmed ?? "", details: details?.trimmed ?? "",
                          anonymous: anonymous, name: name?.trimmed, email: email?.trimmed, phone: phone?.trimmed, idDocument: idDocument?.trimmed,
                          language: self.language.flatMap { Language(tag: $0) } ?? language, contactBy: ContactChannel(rawValue: contactBy ?? "") ?? .email,
                          onBehalfOf: onBehalfOf?.trimmed, consentGiven: consentGiven == "on" || consentGiven == "true",
                          branchID: try branch.requireID(), divisionID: divisionID, service: service?.trimmed, attachments: files)
        if let serial = try await PaperFormsController.unusedSerial(formSerial, branch: branch, on: db) {
            new.channelRows = PaperFormEntry.rows(serial: serial, channel: channel, droppedOn: nil, text: details?.trimmed ?? "", at: Date(), by: nil)
        }
        return CaseEngine.check(new, branch: BranchRef(id: try branch.requireID(), code: branch.code, name: branch.name, state: branch.state))
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension CaseInvalid {
    /// The problems as messages in the visitor's language, for a form.
    func messages(_ req: Request) -> [String: String] { problems.mapValues { req.t($0) } }
}
