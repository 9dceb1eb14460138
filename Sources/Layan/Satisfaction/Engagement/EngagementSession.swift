import Fluent
import Foundation
import LayanCore

/// Two-way engagement with customers (PKPA 1/2008 §4d(6); issue #20): dialogue sessions, consultation panels, public
/// forums and focus groups — planned, attended, and each thing raised followed to a case, a proposal or a note.
final class EngagementSession: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "engagement_sessions"

    enum Kind: String, Codable, CaseIterable, Sendable {
        case dialogue, panel, forum, focusGroup = "focus_group"
        var catalogueKey: String { "engagement.kind.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: Kind
    @Field(key: "title") var title: String
    @Field(key: "held_on") var heldOn: String
    @Field(key: "place") var place: String
    @Field(key: "audience") var audience: String
    @Field(key: "invitees") var invitees: String
    /// Nil until the session is held.
    @OptionalField(key: "attendance") var attendance: Int?
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One thing raised at a session, and what became of it: a case, a proposal or a note — and what was done.
final class EngagementItem: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "engagement_items"

    enum Outcome: String, Codable, CaseIterable, Sendable {
        case note, `case`, proposal
        var catalogueKey: String { "engagement.outcome.\(rawValue)" }
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "raised") var raised: String
    @Field(key: "outcome") var outcome: Outcome
    @OptionalField(key: "case_id") var caseID: UUID?
    @OptionalField(key: "proposal_id") var proposalID: UUID?
    /// What was done about it.
    @Field(key: "action") var action: String
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}

struct CreateEngagement: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EngagementSession.schema)
            .id()
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("held_on", .string, .required)
            .field("place", .string, .required)
            .field("audience", .string, .required)
            .field("invitees", .string, .required)
            .field("attendance", .int)
            .field("branch_id", .uuid)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(EngagementItem.schema)
            .id()
            .field("session_id", .uuid, .required, .references(EngagementSession.schema, .id, onDelete: .cascade))
            .field("raised", .string, .required)
            .field("outcome", .string, .required)
            .field("case_id", .uuid)
            .field("proposal_id", .uuid)
            .field("action", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EngagementItem.schema).delete()
        try await database.schema(EngagementSession.schema).delete()
    }
}
