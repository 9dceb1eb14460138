import Fluent
import LayanCore
import SQLKit

/// Retention of personal data (issue #21, item 6): the agency's periods, the daily runs, and when each case lost its
/// personal data.
struct CreateRetention: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RetentionRule.schema)
            .id()
            .field("record_type", .string, .required)
            .field("months", .int, .required)
            .field("schedule_reference", .string, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "record_type")
            .create()
        try await database.schema(RetentionRun.schema)
            .id()
            .field("day", .string, .required)
            .field("ran_at", .datetime, .required)
            .field("counts", .dictionary(of: .int), .required)
            .unique(on: "day")
            .create()
        try await database.schema(CaseRecord.schema).field("anonymised_at", .datetime).update()
        // The job's question, "closed before the cutoff and not yet anonymised?", answered from an index.
        try await database.sql.create(index: "cases_retention_idx").on(CaseRecord.schema).column("anonymised_at").column("closed_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "cases_retention_idx").run()
        try await database.schema(CaseRecord.schema).deleteField("anonymised_at").update()
        try await database.schema(RetentionRun.schema).delete()
        try await database.schema(RetentionRule.schema).delete()
    }
}
