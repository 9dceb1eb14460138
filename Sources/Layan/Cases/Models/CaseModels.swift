import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A complaint category (or a category of another case type), seeded with the Public Complaints Bureau's list.
/// Its own service standard, when set, overrides the type's (issue #5, item 4).
final class CaseCategory: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_categories"
    static let auditEntity = "case_category"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: CaseType
    @Field(key: "code") var code: String
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    @OptionalField(key: "acknowledge_days") var acknowledgeDays: Int?
    @OptionalField(key: "resolve_days") var resolveDays: Int?
    @Field(key: "active") var active: Bool

    init() {}

    init(type: CaseType, code: String, nameMs: String, nameEn: String) {
        self.type = type
        self.code = code
        self.nameMs = nameMs
        self.nameEn = nameEn
        self.active = true
    }

    func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }

    var standardOverride: ServiceStandard? {
        guard acknowledgeDays != nil || resolveDays != nil else { return nil }
        return ServiceStandard(acknowledgeWorkingDays: acknowledgeDays ?? ServiceStandard.pkpaDefault.acknowledgeWorkingDays,
                               resolveWorkingDays: resolveDays ?? ServiceStandard.pkpaDefault.resolveWorkingDays)
    }

    var auditSnapshot: [String: String?] {
        ["type": type.rawValue, "code": code, "name_ms": nameMs, "name_en": nameEn,
         "acknowledge_days": acknowledgeDays.map(String.init), "resolve_days": resolveDays.map(String.init), "active": "\(active)"]
    }
}

/// A type's service standard when the agency sets one other than PKPA's default.
final class CaseTypeStandard: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_type_standards"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: CaseType
    @Field(key: "acknowledge_days") var acknowledgeDays: Int
    @Field(key: "resolve_days") var resolveDays: Int

    init() {}

    var standard: ServiceStandard { ServiceStandard(acknowledgeWorkingDays: acknowledgeDays, resolveWorkingDays: resolveDays) }
}

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

/// One entry of a case's timeline. Internal notes stay with staff; public entries are the customer's to read.
final class CaseEvent: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_events"

    enum Kind: String, Codable, Sendable {
        case received, transition, publicReply = "public_reply", internalNote = "internal_note", customerMessage = "customer_message"
        case assigned, reminder, escalated, recovery
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var caseRecord: CaseRecord
    @Field(key: "at") var at: Date
    @Field(key: "kind") var kind: Kind
    @Field(key: "public") var isPublic: Bool
    @OptionalField(key: "from_status") var fromStatus: CaseStatus?
    @OptionalField(key: "to_status") var toStatus: CaseStatus?
    @OptionalParent(key: "actor_id") var actor: Staff?
    /// Who acted as the timeline shows it: an officer's name, or empty for the customer or the system.
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "body") var body: String?

    init() {}

    init(caseID: UUID, at: Date, kind: Kind, isPublic: Bool, actorID: UUID?, actorName: String, body: String? = nil,
         from: CaseStatus? = nil, to: CaseStatus? = nil) {
        self.$caseRecord.id = caseID
        self.at = at
        self.kind = kind
        self.isPublic = isPublic
        self.$actor.id = actorID
        self.actorName = actorName
        self.body = body
        self.fromStatus = from
        self.toStatus = to
    }
}

/// A file sent with a case, kept in the database so it is stored, or not, with the case itself.
final class CaseAttachment: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_attachments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var caseRecord: CaseRecord
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "data") var data: Data
    @Field(key: "public") var isPublic: Bool
    @Field(key: "at") var at: Date

    init() {}
}

/// Who is on duty for complaints and feedback on a day at a branch (PKPA 1/2008 §4d(5)).
final class DutyShift: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "duty_rota"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Parent(key: "staff_id") var staff: Staff
    @Field(key: "date") var date: String
    /// The unit (division) the officer is on duty for; nil: the whole branch.
    @OptionalParent(key: "division_id") var division: Division?

    init() {}

    init(branchID: UUID, staffID: UUID, date: LocalDate, divisionID: UUID? = nil) {
        self.$branch.id = branchID
        self.$staff.id = staffID
        self.date = date.iso
        self.$division.id = divisionID
    }
}

/// PKPA 1/2008 §4d(5) asks for duty officers "per unit or branch": a shift may name the unit it serves.
struct AddDivisionToDutyRota: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DutyShift.schema).field("division_id", .uuid, .references(Division.schema, .id, onDelete: .cascade)).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DutyShift.schema).deleteField("division_id").update()
    }
}

// MARK: - inserts without Fluent's reflection, for the paths that run on every new case (issue #5, item 12)

extension CaseAttachment {
    static let insertColumns = ["id", "case_id", "file_name", "content_type", "size", "data", "public", "at"]
}

extension CaseEvent {
    static let insertColumns = ["id", "case_id", "at", "kind", "public", "from_status", "to_status", "actor_id", "actor_name", "body"]

    /// A timeline entry as a row, without a model (a new case writes two).
    static func row(caseID: UUID, at: Date, kind: Kind, isPublic: Bool, actorID: UUID?, actorName: String,
                    body: String? = nil, from: CaseStatus? = nil, to: CaseStatus? = nil) -> [InsertBatch.Value] {
        [UUID.timeOrdered(at: at), caseID, at, kind.rawValue, isPublic, from?.rawValue, to?.rawValue, actorID, actorName, body]
    }
}
