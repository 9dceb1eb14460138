import Fluent
import LayanStorage
import SQLKit

/// Failed e-mail intakes, kept whole (issue #17, item 2).
struct CreateFailedMail: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FailedMail.schema)
            .id()
            .field("received_at", .datetime, .required)
            .field("raw", .data, .required)
            .field("reason", .string, .required)
            .field("sender", .string)
            .field("subject", .string)
            .field("state", .string, .required)
            .field("case_id", .uuid, .references(CaseRecord.schema, .id, onDelete: .setNull))
            .field("handled_by", .string)
            .field("handled_at", .datetime)
            .field("note", .string)
            .create()
        try await database.sql.create(index: "failed_mail_by_state").on(FailedMail.schema).column("state").column("received_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FailedMail.schema).delete()
    }
}
