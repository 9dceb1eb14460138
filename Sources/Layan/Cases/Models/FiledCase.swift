import Foundation
import LayanCore
import LayanStorage

/// A case as it is first written, as values: the API answers with it and the acknowledgement is written from it.
/// Filling a `CaseRecord` (a Fluent model, a wrapper object per field) and reading it back for the insert, the
/// message and the answer was a twentieth of a new case's CPU. Forms that go on to show the case read it back
/// (`CaseEngine.create`).
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
}
