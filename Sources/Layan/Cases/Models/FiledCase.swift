import Foundation
import LayanCore

/// A case as it is first written, as values: the API answers with it and the acknowledgement is written from it.
/// Filling a `CaseRecord` (a Fluent model, a wrapper object per field) and reading it back for the insert, the
/// message and the answer was a twentieth of a new case's CPU. Pages that go on to show the case take `model`.
struct FiledCase: Sendable {
    let id: UUID
    let reference: String
    let type: CaseType
    let channel: CaseChannel
    let categoryID: UUID?
    let subject: String
    let details: String
    let anonymous: Bool
    let customerName: String?
    let customerEmail: String?
    let customerPhone: String?
    let customerIDDocument: String?
    let language: Language
    let contactBy: ContactChannel
    let onBehalfOf: String?
    let consentGiven: Bool
    let branchID: UUID
    let divisionID: UUID?
    let serviceConcerned: String?
    let assigneeID: UUID?
    let receivedAt: Date
    let standard: ServiceStandard
    let acknowledgeDue: LocalDate
    let resolveDue: LocalDate
    let publicKey: String
    let createdByID: UUID?

    var status: CaseStatus { .new }
    var receivedOn: LocalDate { LocalDate(receivedAt) }
    var assignedAt: Date? { assigneeID == nil ? nil : receivedAt }

    static let insertColumns = [
        "id", "reference", "type", "status", "channel", "category_id", "subject", "description", "anonymous", "customer_name",
        "customer_email", "customer_phone", "customer_phone_digits", "customer_id_document", "language", "contact_by", "on_behalf_of",
        "consent_given", "branch_id", "division_id", "service_concerned", "assigned_to", "assigned_at", "received_at", "received_on",
        "acknowledge_days", "resolve_days", "acknowledge_due", "resolve_due", "paused_days", "public_key", "created_by", "updated_at",
    ]

    /// The row, as Fluent would store the model, in the order of `insertColumns`.
    var insertValues: [InsertBatch.Value] {
        [id, reference, type.rawValue, status.rawValue, channel.rawValue, categoryID, subject, details, anonymous, customerName,
         customerEmail, customerPhone, customerPhone.map(PhoneNumber.digits), customerIDDocument, language.rawValue, contactBy.rawValue,
         onBehalfOf, consentGiven, branchID, divisionID, serviceConcerned, assigneeID, assignedAt, receivedAt, receivedOn.iso,
         standard.acknowledgeWorkingDays, standard.resolveWorkingDays, acknowledgeDue.iso, resolveDue.iso, 0, publicKey, createdByID, receivedAt]
    }

    /// The stored case as a model, as `CaseRecord.find` would read it back.
    var model: CaseRecord {
        let record = CaseRecord()
        record.id = id
        record.reference = reference
        record.type = type
        record.status = status
        record.channel = channel
        record.$category.id = categoryID
        record.subject = subject
        record.details = details
        record.anonymous = anonymous
        record.customerName = customerName
        record.customerEmail = customerEmail
        record.customerPhone = customerPhone
        record.customerPhoneDigits = customerPhone.map(PhoneNumber.digits)
        record.customerIDDocument = customerIDDocument
        record.language = language
        record.contactBy = contactBy
        record.onBehalfOf = onBehalfOf
        record.consentGiven = consentGiven
        record.$branch.id = branchID
        record.$division.id = divisionID
        record.serviceConcerned = serviceConcerned
        record.$assignee.id = assigneeID
        record.assignedAt = assignedAt
        record.receivedAt = receivedAt
        record.receivedOn = receivedOn.iso
        record.acknowledgeDays = standard.acknowledgeWorkingDays
        record.resolveDays = standard.resolveWorkingDays
        record.acknowledgeDue = acknowledgeDue.iso
        record.resolveDue = resolveDue.iso
        record.pausedDays = 0
        record.publicKey = publicKey
        record.$createdBy.id = createdByID
        record.updatedAt = receivedAt
        record.$id.exists = true
        return record
    }
}
