import Fluent
import Foundation
import LayanCore

/// An improvement proposal (*cadangan penambahbaikan*, issue #20): from evidence — a low-scoring item, complaints, a
/// suggestion, an engagement session — with an owner, a due date and a status, reviewed monthly; when done the
/// agency may publish it on "you said, we did" in both languages.
final class ImprovementProposal: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "improvement_proposals"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "details") var details: String
    @Field(key: "source") var source: ProposalSource
    /// Case references, report links, the session it came from: what shows the need.
    @Field(key: "evidence") var evidence: String
    @OptionalField(key: "branch_id") var branchID: UUID?
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "due") var due: String
    @Field(key: "status") var status: ProposalStatus
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "done_at") var doneAt: Date?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?
    /// "You said, we did": shown on the public page once done, if the agency chooses.
    @Field(key: "published") var published: Bool
    @Field(key: "said_ms") var saidMS: String
    @Field(key: "said_en") var saidEN: String
    @Field(key: "did_ms") var didMS: String
    @Field(key: "did_en") var didEN: String

    init() {}

    var dueDate: LocalDate? { LocalDate(due) }
}

/// A proposal's monthly progress review, or a change of its status, with who and when.
final class ProposalReview: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "proposal_reviews"

    @ID(key: .id) var id: UUID?
    @Field(key: "proposal_id") var proposalID: UUID
    /// `YYYY-MM`.
    @Field(key: "month") var month: String
    @OptionalField(key: "status") var status: ProposalStatus?
    @Field(key: "note") var note: String
    @Field(key: "written_by") var writtenBy: String
    @Field(key: "written_at") var writtenAt: Date

    init() {}
}

struct CreateImprovementProposals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ImprovementProposal.schema)
            .id()
            .field("title", .string, .required)
            .field("details", .string, .required)
            .field("source", .string, .required)
            .field("evidence", .string, .required)
            .field("branch_id", .uuid)
            .field("owner_id", .uuid, .required, .references("staff", .id))
            .field("due", .string, .required)
            .field("status", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("done_at", .datetime)
            .field("escalated_at", .datetime)
            .field("published", .bool, .required)
            .field("said_ms", .string, .required)
            .field("said_en", .string, .required)
            .field("did_ms", .string, .required)
            .field("did_en", .string, .required)
            .create()
        try await database.schema(ProposalReview.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(ImprovementProposal.schema, .id, onDelete: .cascade))
            .field("month", .string, .required)
            .field("status", .string)
            .field("note", .string, .required)
            .field("written_by", .string, .required)
            .field("written_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProposalReview.schema).delete()
        try await database.schema(ImprovementProposal.schema).delete()
    }
}
