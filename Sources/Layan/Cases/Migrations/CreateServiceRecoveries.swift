import Fluent
import Foundation
import LayanCore

struct CreateServiceRecoveries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServiceRecoveryRecord.schema)
            .id()
            .field("case_id", .uuid, .references(CaseRecord.schema, .id, onDelete: .setNull))
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id))
            .field("proactive", .bool, .required)
            .field("customer_name", .string)
            .field("customer_contact", .string)
            .field("cause", .string, .required)
            .field("what_failed", .string, .required)
            .field("given", .array(of: .string), .required)
            .field("given_note", .string)
            .field("corrective_action", .string, .required)
            .field("owner_id", .uuid, .required, .references(Staff.schema, .id))
            .field("due_on", .string, .required)
            .field("done_at", .datetime)
            .field("follow_up_on", .string)
            .field("followed_up_at", .datetime)
            .field("follow_up_note", .string)
            .field("created_by", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ServiceRecoveryRecord.schema).delete()
    }
}
