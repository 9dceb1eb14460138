import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// One case: a complaint, inquiry, request for advice, suggestion or compliment, from any channel.
final class CaseRecord: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "cases"

    @ID(key: .id) var id: UUID?
    @Field(key: "reference") var reference: String
    @Field(key: "type") var type: CaseType
    @Field(key: "status") var status: CaseStatus
    @Field(key: "channel") var channel: CaseChannel
    @OptionalParent(key: "category_id") var category: CaseCategory?
    @Field(key: "subject") var subject: String
    @Field(key: "description") var details: String

    // The customer. Anonymous cases have no contact and are flagged for public-interest review.
    @Field(key: "anonymous") var anonymous: Bool
    @OptionalField(key: "customer_name") var customerName: String?
    @OptionalField(key: "customer_email") var customerEmail: String?
    @OptionalField(key: "customer_phone") var customerPhone: String?
    /// The phone's digits, to match a status check however the number is typed.
    @OptionalField(key: "customer_phone_digits") var customerPhoneDigits: String?
    @OptionalField(key: "customer_id_document") var customerIDDocument: String?
    @Field(key: "language") var language: Language
    @Field(key: "contact_by") var contactBy: ContactChannel
    /// Filed for someone else, with that person's consent.
    @OptionalField(key: "on_behalf_of") var onBehalfOf: String?
    @Field(key: "consent_given") var consentGiven: Bool

    @Parent(key: "branch_id") var branch: Branch
    @OptionalParent(key: "division_id") var division: Division?
    @OptionalField(key: "service_concerned") var serviceConcerned: String?

    @OptionalParent(key: "assigned_to") var assignee: Staff?
    @OptionalField(key: "assigned_at") var assignedAt: Date?

    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "received_on") var receivedOn: String
    @Field(key: "acknowledge_days") var acknowledgeDays: Int
    @Field(key: "resolve_days") var resolveDays: Int
    @Field(key: "acknowledge_due") var acknowledgeDue: String
    @Field(key: "resolve_due") var resolveDue: String
    @Field(key: "paused_days") var pausedDays: Int
    @OptionalField(key: "paused_since") var pausedSince: String?
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// Whether each standard was met, for the Client Charter to count; nil until judged.
    @OptionalField(key: "acknowledge_met") var acknowledgeMet: Bool?
    @OptionalField(key: "resolve_met") var resolveMet: Bool?
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?

    @OptionalField(key: "rejection_reason") var rejectionReason: String?
    @OptionalField(key: "refer_to") var referTo: String?
    @OptionalParent(key: "duplicate_of") var duplicateOf: CaseRecord?
    @OptionalField(key: "satisfied") var satisfied: Bool?
    /// The secret in the customer's status link, so the link works without the contact details.
    @Field(key: "public_key") var publicKey: String
    @OptionalParent(key: "created_by") var createdBy: Staff?
    @Field(key: "updated_at") var updatedAt: Date
    /// When the customer's personal data was removed: past the agency's retention, or on their request (issue #21).
    @OptionalField(key: "anonymised_at") var anonymisedAt: Date?

    init() {}

    var standard: ServiceStandard { ServiceStandard(acknowledgeWorkingDays: acknowledgeDays, resolveWorkingDays: resolveDays) }

    /// Ends a wait for the customer (PKPA: the clock does not run while we wait for them): the working days waited
    /// are added to the pause and the resolution date moves back by as many.
    func endPause(on today: LocalDate, calendar: WorkingCalendar, state: MalaysianState) {
        if let since = pausedSince.flatMap({ LocalDate($0) }) {
            pausedDays += CaseClock.pauseLength(calendar, since: since, until: today, in: state)
        }
        pausedSince = nil
        resolveDue = clock(state: state).resolveBy(calendar, today: today).iso
    }

    /// The identity number as staff see it: masked to its last four characters unless `revealed` (then audited by the
    /// caller); nil when there is none or it cannot be opened with the key in force.
    func identityNumber(_ cipher: PersonalDataCipher, revealed: Bool) -> String? {
        customerIDDocument.flatMap(cipher.open).map { revealed ? $0 : IdentityNumber.masked($0) }
    }

    func clock(state: MalaysianState) -> CaseClock {
        CaseClock(receivedOn: LocalDate(receivedOn)!, standard: standard, state: state, pausedWorkingDays: pausedDays,
                  pausedSince: pausedSince.flatMap { LocalDate($0) })
    }
}

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
    /// The identity number as stored: sealed (`PersonalDataCipher`); `customerIDDocument` is the plain one, for the answer.
    let storedIDDocument: String?

    var status: CaseStatus { .new }
    var receivedOn: LocalDate { LocalDate(receivedAt) }
    var assignedAt: Date? { assigneeID == nil ? nil : receivedAt }

    /// Where each value of a new case is stored, as Fluent would store the model (`CaseRecord`, beside it).
    static let shape = TableShape<FiledCase>(CaseRecord.schema, [
        .init("id") { $0.id }, .init("reference") { $0.reference }, .init("type") { $0.type.rawValue },
        .init("status") { $0.status.rawValue }, .init("channel") { $0.channel.rawValue }, .init("category_id") { $0.categoryID },
        .init("subject") { $0.subject }, .init("description") { $0.details }, .init("anonymous") { $0.anonymous },
        .init("customer_name") { $0.customerName }, .init("customer_email") { $0.customerEmail }, .init("customer_phone") { $0.customerPhone },
        .init("customer_phone_digits") { $0.customerPhone.map(PhoneNumber.digits) }, .init("customer_id_document") { $0.storedIDDocument },
        .init("language") { $0.language.rawValue }, .init("contact_by") { $0.contactBy.rawValue }, .init("on_behalf_of") { $0.onBehalfOf },
        .init("consent_given") { $0.consentGiven }, .init("branch_id") { $0.branchID }, .init("division_id") { $0.divisionID },
        .init("service_concerned") { $0.serviceConcerned }, .init("assigned_to") { $0.assigneeID }, .init("assigned_at") { $0.assignedAt },
        .init("received_at") { $0.receivedAt }, .init("received_on") { $0.receivedOn.iso },
        .init("acknowledge_days") { $0.standard.acknowledgeWorkingDays }, .init("resolve_days") { $0.standard.resolveWorkingDays },
        .init("acknowledge_due") { $0.acknowledgeDue.iso }, .init("resolve_due") { $0.resolveDue.iso }, .init("paused_days") { _ in 0 },
        .init("public_key") { $0.publicKey }, .init("created_by") { $0.createdByID }, .init("updated_at") { $0.receivedAt },
    ])
}

extension FiledCase {
    /// The case a filing becomes once numbered: empty optional texts stored as NULL, the e-mail normalised.
    init(_ filing: CaseFiling, number: Int) {
        let new = filing.new
        let phone = new.phone.flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            id: .timeOrdered(at: filing.now), reference: CaseReference(type: new.type, year: filing.today.year, number: number).description,
            type: new.type, channel: new.channel, categoryID: new.categoryID, subject: new.subject, details: new.details,
            anonymous: new.anonymous, customerName: new.anonymous ? nil : new.name,
            customerEmail: new.email.flatMap { $0.isEmpty ? nil : EmailAddress.normalised($0) }, customerPhone: phone,
            customerIDDocument: new.idDocument.flatMap { $0.isEmpty ? nil : $0 }, language: new.language, contactBy: new.contactBy,
            onBehalfOf: new.onBehalfOf.flatMap { $0.isEmpty ? nil : $0 }, consentGiven: new.consentGiven, branchID: filing.branchID,
            divisionID: new.divisionID, serviceConcerned: new.service.flatMap { $0.isEmpty ? nil : $0 }, assigneeID: filing.assignee,
            receivedAt: filing.now, standard: filing.standard, acknowledgeDue: filing.acknowledgeDue, resolveDue: filing.resolveDue,
            publicKey: SessionToken.make(), createdByID: filing.actor.staffID,
            storedIDDocument: new.idDocument.flatMap { $0.isEmpty ? nil : filing.notifier.app.personalDataCipher.seal($0) })
    }
}
