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

    func clock(state: MalaysianState) -> CaseClock {
        CaseClock(receivedOn: LocalDate(receivedOn)!, standard: standard, state: state, pausedWorkingDays: pausedDays,
                  pausedSince: pausedSince.flatMap { LocalDate($0) })
    }
}
