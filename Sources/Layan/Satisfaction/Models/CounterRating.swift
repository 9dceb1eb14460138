import Fluent
import Foundation
import LayanCore
import Vapor

/// A customer's rating of one counter visit (issue #20): one per ticket, five faces and an optional reason and
/// comment. The officer, counter and service come from the ticket; the customer stays anonymous.
final class CounterRating: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "counter_ratings"

    /// Where the customer rated: the counter's tablet, their own ticket page, or the API.
    enum Via: String, Codable, Sendable { case tablet, phone, api }

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_id") var ticketID: UUID
    @Field(key: "branch_id") var branchID: UUID
    @Field(key: "counter_id") var counterID: UUID
    @Field(key: "officer_id") var officerID: UUID
    @Field(key: "service_id") var serviceID: UUID
    /// The ticket's service day (Malaysian time): the day the rating counts in.
    @Field(key: "day") var day: String
    @Field(key: "score") var score: Int
    @OptionalField(key: "reason") var reason: RatingReason?
    @OptionalField(key: "comment") var comment: String?
    @Field(key: "via") var via: Via
    @OptionalField(key: "device_id") var deviceID: UUID?
    @Field(key: "rated_at") var ratedAt: Date

    init() {}

    static let maximumComment = 1000
}

/// A tablet at a counter, paired by a supervisor: it shows the faces for that counter's customers only (issue #20:
/// kiosk rating screens are locked to their counter). It holds a secret in a cookie; only its hash is stored.
final class RatingDevice: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "rating_devices"

    @ID(key: .id) var id: UUID?
    @Parent(key: "counter_id") var counter: Counter
    @Field(key: "secret_hash") var secretHash: String
    @Field(key: "paired_by") var pairedBy: String
    @Field(key: "paired_at") var pairedAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}

/// The survey sent when a case is resolved (issue #20): its link is signed and expires; answered once.
final class CaseSurvey: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_surveys"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "branch_id") var branchID: UUID
    /// The officer who had the case when it was resolved (`none` when nobody had it).
    @Field(key: "officer_id") var officerID: UUID
    @Field(key: "case_type") var caseType: CaseType
    @Field(key: "channel") var channel: CaseChannel
    /// The day it was sent (Malaysian time): the day its answers count in.
    @Field(key: "day") var day: String
    @Field(key: "sent_at") var sentAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "answered_at") var answeredAt: Date?
    /// Satisfied with the outcome, with the time taken, with the officer's manner: 1–5.
    @OptionalField(key: "outcome") var outcome: Int?
    @OptionalField(key: "time_taken") var timeTaken: Int?
    @OptionalField(key: "manner") var manner: Int?
    @OptionalField(key: "use_again") var useAgain: Bool?
    @OptionalField(key: "comment") var comment: String?

    init() {}
}

/// A low score followed up by the unit head (issue #20: "a low score opens a follow-up for the unit head and can open
/// service recovery").
final class SatisfactionFollowUp: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "satisfaction_follow_ups"

    enum Source: String, Codable, Sendable { case counter, `case` }
    enum Status: String, Codable, Sendable { case open, closed }

    @ID(key: .id) var id: UUID?
    @Field(key: "source") var source: Source
    /// The rating or survey.
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "branch_id") var branchID: UUID
    /// The case surveyed, for service recovery.
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "lowest") var lowest: Int
    /// What the customer said, for the unit head: scores, reason, comment — never who they are.
    @Field(key: "summary") var summary: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "closed_by") var closedBy: String?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The agency's satisfaction settings: the fewest responses a figure is shown for (fewer would point at a person and
/// say little), how long a case survey's link lives, the score that opens a follow-up, how long after service a
/// counter's tablet offers the faces.
final class SatisfactionSettings: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "satisfaction_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "minimum_responses") var minimumResponses: Int
    @Field(key: "survey_days") var surveyDays: Int
    @Field(key: "follow_up_at_or_below") var followUpAtOrBelow: Int
    @Field(key: "rating_window_minutes") var ratingWindowMinutes: Int

    init() {}

    /// The settings as values, kept a second: read for every rating, changed a few times a year (saving forgets them).
    struct Values: Sendable { let minimumResponses: Int; let surveyDays: Int; let followUpAtOrBelow: Int; let ratingWindowMinutes: Int }
    /// `db` is the transaction the caller is in, if any: a first read makes the row, which SQLite's one writer must do there.
    static func values(_ app: Application, on db: (any Database)? = nil) async throws -> Values {
        try await app.satisfactionSettings.value {
            let row = try await current(on: db ?? app.db)
            return Values(minimumResponses: row.minimumResponses, surveyDays: row.surveyDays, followUpAtOrBelow: row.followUpAtOrBelow,
                          ratingWindowMinutes: row.ratingWindowMinutes)
        }
    }

    /// The one row, made with the defaults when missing.
    static func current(on db: any Database) async throws -> SatisfactionSettings {
        if let row = try await SatisfactionSettings.query(on: db).first() { return row }
        let row = SatisfactionSettings()
        row.minimumResponses = 10; row.surveyDays = 14; row.followUpAtOrBelow = 2; row.ratingWindowMinutes = 10
        try await row.create(on: db)
        return row
    }
}

extension Application {
    private struct SatisfactionSettingsKey: StorageKey { typealias Value = KeptForAWhile<SatisfactionSettings.Values> }

    /// The agency's satisfaction settings, kept a second. Set in `configure`.
    var satisfactionSettings: KeptForAWhile<SatisfactionSettings.Values> {
        get { storage[SatisfactionSettingsKey.self]! }
        set { storage[SatisfactionSettingsKey.self] = newValue }
    }
}
