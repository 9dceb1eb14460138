import Fluent
import Foundation
import LayanCore

/// One version of the agency's Client Charter. A draft is edited; publishing it puts it in force from its effective
/// day (the one before is superseded that day), and each month is measured against the version in force on its
/// first day, so changing a standard never rewrites past months (PKPA 1/2008: reviewed at least every 12 months).
final class CharterVersion: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "charter_versions"

    enum Status: String, Codable, Sendable { case draft, published, superseded }

    @ID(key: .id) var id: UUID?
    @Field(key: "number") var number: Int
    @Field(key: "status") var status: Status
    /// The day (Malaysian time) it comes into force; set when published.
    @OptionalField(key: "effective_from") var effectiveFrom: String?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalField(key: "published_by") var publishedBy: String?
    /// The review that produced it: what changed and why (empty for the first).
    @Field(key: "change_note") var changeNote: String
    /// Review reminders already sent for it (days before the due date: 30, 7).
    @Field(key: "reminders_sent") var remindersSent: [Int]
    @Children(for: \.$version) var commitments: [CharterCommitmentRecord]

    init() {}

    init(number: Int, changeNote: String) {
        self.number = number
        self.status = .draft
        self.changeNote = changeNote
        self.remindersSent = []
    }

    var effective: LocalDate? { effectiveFrom.flatMap { LocalDate($0) } }
    var review: CharterReview? { effective.map(CharterReview.init(effective:)) }
}

/// A commitment of a charter version: the words, the metric it is bound to, the standard and the target share.
final class CharterCommitmentRecord: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "charter_commitments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "version_id") var version: CharterVersion
    @Field(key: "position") var position: Int
    @Field(key: "text_ms") var textMS: String
    @Field(key: "text_en") var textEN: String
    @Field(key: "metric") var metric: CharterMetric
    @OptionalField(key: "standard") var standard: Int?
    @OptionalField(key: "manual_unit") var manualUnit: CharterUnit?
    @Field(key: "target_percent") var targetPercent: Int
    @Field(key: "subject") var subject: String
    /// Commitments keep one id across versions while they mean the same thing, so a 12-month row reads on.
    @Field(key: "lineage") var lineage: UUID
    /// Branches keeping their own standard or target; a keyed object, so both engines store it as one JSON value.
    @OptionalField(key: "branch_standards") var branchStandards: BranchStandards?

    struct BranchStandards: Codable, Sendable { var branches: [CharterBranchStandard] }

    init() {}

    init(versionID: UUID, position: Int, draft: CharterCommitmentDraft, lineage: UUID) {
        self.$version.id = versionID
        self.position = position
        self.textMS = draft.textMS
        self.textEN = draft.textEN
        self.metric = draft.metric
        self.standard = draft.standard
        self.manualUnit = draft.manualUnit
        self.targetPercent = draft.targetPercent
        self.subject = draft.subject
        self.lineage = lineage
        self.branchStandards = draft.branchStandards.isEmpty ? nil : BranchStandards(branches: draft.branchStandards)
    }

    var draft: CharterCommitmentDraft {
        CharterCommitmentDraft(textMS: textMS, textEN: textEN, metric: metric, standard: standard, manualUnit: manualUnit,
                               targetPercent: targetPercent, subject: subject, branchStandards: branchStandards?.branches ?? [])
    }

    func text(in language: Language) -> String { language == .en ? textEN : textMS }
}

/// Why a transaction missed its standard, written by an officer; a month is published only when every miss has one.
final class CharterMissReason: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "charter_miss_reasons"

    @ID(key: .id) var id: UUID?
    @Field(key: "metric") var metric: CharterMetric
    /// The ticket, case, call or message that missed.
    @Field(key: "record_id") var recordID: String
    @Field(key: "reason") var reason: String
    @Field(key: "written_by") var writtenBy: String
    @Field(key: "written_at") var writtenAt: Date

    /// Reasons are kept to 1,000 characters.
    static let maximumLength = 1000

    init() {}

    init(metric: CharterMetric, recordID: String, reason: String, by author: String, at: Date) {
        self.metric = metric
        self.recordID = recordID
        self.reason = String(reason.prefix(Self.maximumLength))
        self.writtenBy = author
        self.writtenAt = at
    }
}

/// A month's achievement published by a head of unit: only once the month is over and every miss has its reason.
final class CharterPublishedMonth: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "charter_published_months"

    /// `YYYY-MM`.
    @ID(custom: "month", generatedBy: .user) var id: String?
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "published_by") var publishedBy: String

    init() {}
}

/// A month's figure for a commitment counted outside Layan (a manual metric), with the file that proves it and who
/// entered it (issue #19: "a manual metric entered with evidence"). One per commitment, month and branch (nil: the
/// agency); entering it again replaces it.
final class CharterManualFigure: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "charter_manual_figures"

    @ID(key: .id) var id: UUID?
    @Field(key: "lineage") var lineage: UUID
    @Field(key: "month") var month: String
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "met") var met: Int
    @Field(key: "total") var total: Int
    @Field(key: "evidence_name") var evidenceName: String
    @Field(key: "evidence_type") var evidenceType: String
    @Field(key: "evidence") var evidence: Data
    @Field(key: "entered_by") var enteredBy: String
    @Field(key: "entered_at") var enteredAt: Date

    init() {}
}
