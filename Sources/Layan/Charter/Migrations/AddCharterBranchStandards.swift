import Fluent
import Foundation

/// Branch-level overrides of a commitment's standard and target (issue #19), kept with the commitment in its version
/// so a review that changes them never rewrites past months; and the case working days a branch's charter sets.
struct AddCharterBranchStandards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CharterCommitmentRecord.schema).field("branch_standards", .json).update()
        try await database.schema(CaseBranchStandard.schema)
            .id()
            .field("type", .string, .required)
            .field("branch_id", .uuid, .required, .references("branches", .id, onDelete: .cascade))
            .field("acknowledge_days", .int)
            .field("resolve_days", .int)
            .unique(on: "type", "branch_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseBranchStandard.schema).delete()
        try await database.schema(CharterCommitmentRecord.schema).deleteField("branch_standards").update()
    }
}
