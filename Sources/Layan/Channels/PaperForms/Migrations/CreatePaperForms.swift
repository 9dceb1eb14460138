import Fluent
import LayanStorage
import SQLKit

/// Printed form batches and the forms entered from them (issue #17, item 4).
struct CreatePaperForms: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PaperFormBatch.schema)
            .id()
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id))
            .field("first_number", .int, .required)
            .field("count", .int, .required)
            .field("size", .string, .required)
            .field("printed_at", .datetime, .required)
            .field("printed_by", .string)
            // Two batches printed at once for a branch cannot take the same numbers.
            .unique(on: "branch_id", "first_number")
            .create()
        try await database.schema(PaperFormEntry.schema)
            .field("serial", .string, .identifier(auto: false))
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("channel", .string, .required)
            .field("dropped_on", .string)
            .field("entered_at", .datetime, .required)
            .field("entered_by", .string)
            .create()
        try await database.sql.create(index: "paper_forms_by_case").on(PaperFormEntry.schema).column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PaperFormEntry.schema).delete()
        try await database.schema(PaperFormBatch.schema).delete()
    }
}
